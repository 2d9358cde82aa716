using Microsoft.AspNetCore.Http.HttpResults;
using SecretShare.Api.Secrets;

namespace SecretShare.Api.Apis;

/// <summary>Collects field-level validation messages into one 400 problem+json.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> errors = [];

    public bool Any => errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
        return this;
    }

    /// <summary>Decodes a 32-byte base64url token, or records why it cannot.</summary>
    public byte[]? RequireToken(string field, string? value, string? message = null)
    {
        if (SecretTokens.TryDecode(value, out var token) && token.Length == SecretTokens.TokenBytes)
        {
            return token;
        }

        Add(field, message ?? $"Required: exactly {SecretTokens.TokenBytes} bytes in base64url without padding.");
        return null;
    }

    public void RequireRange(string field, int? value, int min, int max, string? alternative = null)
    {
        if (value is { } number && (number < min || number > max))
        {
            Add(field, $"Must be a whole number from {min} to {max}{(alternative is null ? "" : ", " + alternative)}.");
        }
    }

    public ValidationProblem ToResult() => TypedResults.ValidationProblem(errors, title: "Invalid request");
}
