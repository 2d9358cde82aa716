using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SecretShare.Api.Secrets;

namespace SecretShare.Api.Apis;

/// <summary>
/// <c>GET /api/limits</c>: the configured payload limit, so that clients can tell a user how much room is left and refuse an
/// oversized secret before uploading it. Public configuration only; nothing about any secret.
/// </summary>
public static class LimitsApi
{
    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/limits", GetLimits)
            .WithTags("Limits")
            .WithSummary("The largest decoded ciphertext the server accepts");
        return app;
    }

    public static Ok<LimitsResponse> GetLimits(IOptions<SecretLimitsOptions> options) =>
        TypedResults.Ok(new LimitsResponse(options.Value.MaxPayloadBytes));
}

/// <summary>
/// Server limits clients need before creating a secret. <paramref name="MaxPayloadBytes"/> counts the decoded ciphertext:
/// version byte, IV, encrypted envelope and tag (the envelope plus 29 bytes).
/// </summary>
public sealed record LimitsResponse(int MaxPayloadBytes);
