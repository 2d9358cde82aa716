using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SecretShare.Storage.Audit;

/// <summary>
/// The service's audit keys (section <c>SecretShare:Audit</c>), from a secret store, never from the database:
/// <c>Keys:{keyId}</c> = 32 random bytes in base64, <c>CurrentKeyId</c> = the key that keys new events and signs receipts.
/// Older keys stay listed so that trails recorded under them still verify (docs/design.md, "Audit keys").
/// </summary>
public sealed partial class AuditOptions
{
    public const string SectionName = "SecretShare:Audit";

    public const int KeyBytes = 32;

    /// <summary>The key that keys new events and signs receipts; must be one of <see cref="Keys"/>.</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>Key id → 32 bytes in base64 (standard or URL alphabet).</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>Key ids travel in every event and receipt: short, and safe in the receipt's line-based canonical bytes.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    public static partial Regex KeyIdPattern();

    /// <summary>The key material, or <c>null</c> when it is not 32 bytes of base64.</summary>
    public static byte[]? Decode(string? value)
    {
        var text = value?.Trim().Replace('-', '+').Replace('_', '/');
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        text = text.TrimEnd('=');
        text += new string('=', (4 - text.Length % 4) % 4);
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) && written == KeyBytes ? bytes[..written] : null;
    }

    /// <summary>
    /// A missing key is refused in Production: a trail keyed by a key that dies with the process cannot be verified
    /// tomorrow. Elsewhere the key ring makes a throwaway key. Messages name the setting, never a value.
    /// </summary>
    public sealed class Validator(IHostEnvironment environment) : IValidateOptions<AuditOptions>
    {
        private const string Hint = "32 random bytes in base64, e.g. `openssl rand -base64 32`; see deploy/README.md";

        public ValidateOptionsResult Validate(string? name, AuditOptions options)
        {
            if (options.Keys.Count == 0 && string.IsNullOrWhiteSpace(options.CurrentKeyId))
            {
                return environment.IsProduction()
                    ? ValidateOptionsResult.Fail($"No audit key: set {SectionName}:CurrentKeyId and {SectionName}:Keys:<id> to {Hint}")
                    : ValidateOptionsResult.Success;
            }

            List<string> failures = [];
            foreach (var (keyId, value) in options.Keys)
            {
                if (!KeyIdPattern().IsMatch(keyId))
                {
                    failures.Add($"{SectionName}:Keys: key id '{Printable(keyId)}' must be 1 to 32 of A-Z a-z 0-9 _ -");
                }
                else if (Decode(value) is null)
                {
                    failures.Add($"{SectionName}:Keys:{keyId} must be {Hint}");
                }
            }

            if (string.IsNullOrWhiteSpace(options.CurrentKeyId))
            {
                failures.Add($"{SectionName}:CurrentKeyId is required: the id of the key that keys new events and signs receipts");
            }
            else if (!options.Keys.ContainsKey(options.CurrentKeyId))
            {
                failures.Add($"{SectionName}:CurrentKeyId '{Printable(options.CurrentKeyId)}' names no key in {SectionName}:Keys");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static string Printable(string keyId) => keyId.Length > 32 ? keyId[..32] + "…" : keyId;
    }
}
