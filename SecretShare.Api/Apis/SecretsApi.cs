using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SecretShare.Api.Infrastructure;
using SecretShare.Api.Secrets;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace SecretShare.Api.Apis;

/// <summary>The HTTP API of SPEC section 2.</summary>
public static class SecretsApi
{
    // 0x01 || 12-byte IV || at least the 16-byte GCM tag.
    private const int MinPayloadBytes = 1 + 12 + 16;
    private const byte ProtocolVersion = 0x01;

    public static IEndpointRouteBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/secrets").WithTags("Secrets");

        api.MapPost("/", CreateSecret)
            .RequireRateLimiting(RateLimitingExtensions.CreatePolicy)
            .WithSummary("Stores an encrypted secret")
            .ProducesProblem(Status413PayloadTooLarge)
            .ProducesProblem(Status415UnsupportedMediaType)
            .ProducesProblem(Status429TooManyRequests);

        api.MapGet("/{id}", GetSecret)
            .WithSummary("Describes a secret without consuming a view");

        api.MapPost("/{id}/reveal", RevealSecret)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("Takes one view and returns the ciphertext")
            .ProducesProblem(Status403Forbidden)
            .ProducesProblem(Status429TooManyRequests);

        api.MapPost("/{id}/extend", ExtendSecret)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("Extends the lifetime or the views of an extendable secret")
            .ProducesProblem(Status403Forbidden)
            .ProducesProblem(Status429TooManyRequests);

        api.MapGet("/{id}/status", GetSecretStatus)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("The creator's status of a secret: state, recorded events (paged by after and limit), the hash chain's verdict and the signed receipt; until the retention ends")
            .ProducesProblem(Status401Unauthorized)
            .ProducesProblem(Status429TooManyRequests);

        // The status's former route: clients released before the rename still call it. Removed in the next release.
        api.MapGet("/{id}/events", GetSecretStatus)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("Deprecated: the same as GET /api/secrets/{id}/status, answered for one more release")
            .ProducesProblem(Status401Unauthorized)
            .ProducesProblem(Status429TooManyRequests)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Deprecated = true;
                return Task.CompletedTask;
            });

        api.MapDelete("/{id}", DeleteSecret)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("Deletes a secret with its manage token or its access token")
            .ProducesProblem(Status401Unauthorized)
            .ProducesProblem(Status403Forbidden)
            .ProducesProblem(Status429TooManyRequests);

        return app;
    }

    public static async Task<Results<Created<CreateSecretResponse>, ValidationProblem, ProblemHttpResult>> CreateSecret(
        CreateSecretRequest request, SecretService secrets, IOptions<SecretLimitsOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = new FieldErrors();
        if (RequireCiphertext(errors, request.Ciphertext, limits, out var ciphertext) is { } tooLarge)
        {
            return tooLarge;
        }

        var accessToken = errors.RequireToken("accessToken", request.AccessToken);

        var expiresInSeconds = request.ExpiresInSeconds ?? limits.DefaultExpiresInSeconds;
        errors.RequireRange("expiresInSeconds", expiresInSeconds, limits.MinExpiresInSeconds, limits.MaxExpiresInSeconds);

        var maxViews = request.MaxViews.GetValueOrDefault(limits.DefaultMaxViews);
        if (maxViews is { } views)
        {
            errors.RequireRange("maxViews", views, 1, limits.MaxViews, "or null for unlimited views until expiry");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var (state, manageToken) = await secrets.CreateAsync(
            ciphertext, accessToken!, expiresInSeconds, maxViews, request.Extendable ?? false, request.PassphraseProtected ?? false,
            cancellationToken);
        return TypedResults.Created(
            $"/api/secrets/{state.Id}",
            new CreateSecretResponse(state.Id, state.ExpiresAt, state.MaxViews, state.Extendable, state.PassphraseProtected, manageToken));
    }

    /// <summary>
    /// Decodes a protocol v1 payload (a secret's or a request's answer), or records why it cannot; returns the 413 of a
    /// payload over the limit.
    /// </summary>
    internal static ProblemHttpResult? RequireCiphertext(FieldErrors errors, string? text, SecretLimitsOptions limits, out byte[] ciphertext)
    {
        if (!SecretTokens.TryDecode(text, out ciphertext) || ciphertext.Length == 0)
        {
            errors.Add("ciphertext", "Required: the encrypted payload in base64url without padding.");
        }
        else if (ciphertext.Length > limits.MaxPayloadBytes)
        {
            return TypedResults.Problem(
                statusCode: Status413PayloadTooLarge,
                title: "Payload too large",
                detail: $"The decoded ciphertext may be at most {limits.MaxPayloadBytes} bytes.");
        }
        else if (ciphertext.Length < MinPayloadBytes || ciphertext[0] != ProtocolVersion)
        {
            errors.Add("ciphertext", "Must be a protocol v1 payload: 0x01, a 12-byte IV, then the AES-GCM ciphertext and its 16-byte tag.");
        }

        return null;
    }

    public static async Task<Results<Ok<SecretMetadataResponse>, ProblemHttpResult>> GetSecret(
        string id, SecretService secrets, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        return await secrets.GetAsync(id, cancellationToken) is { } state ? TypedResults.Ok(ToMetadata(state.Metadata)) : NotFound();
    }

    public static async Task<Results<Ok<RevealSecretResponse>, ValidationProblem, ProblemHttpResult>> RevealSecret(
        string id, RevealSecretRequest request, SecretService secrets, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        var errors = new FieldErrors();
        var accessToken = errors.RequireToken("accessToken", request.AccessToken);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var result = await secrets.RevealAsync(id, accessToken!, cancellationToken);
        return result is { Outcome: SecretOutcome.Granted, Value: { } revealed }
            ? TypedResults.Ok(new RevealSecretResponse(
                Base64Url.EncodeToString(revealed.Ciphertext), revealed.ViewsRemaining, revealed.ExpiresAt, revealed.Burned))
            : Failure(result);
    }

    public static async Task<Results<Ok<SecretMetadataResponse>, ValidationProblem, ProblemHttpResult>> ExtendSecret(
        string id, ExtendSecretRequest request, SecretService secrets, IOptions<SecretLimitsOptions> options, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        var limits = options.Value;
        var errors = new FieldErrors();
        var accessToken = errors.RequireToken("accessToken", request.AccessToken);
        if (request.AddSeconds is null && request.AddViews is null)
        {
            errors.Add("addSeconds", "Give addSeconds, addViews or both.");
        }

        errors.RequireRange("addSeconds", request.AddSeconds, 1, limits.MaxExpiresInSeconds);
        errors.RequireRange("addViews", request.AddViews, 1, limits.MaxViews);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var result = await secrets.ExtendAsync(id, accessToken!, request.AddSeconds ?? 0, request.AddViews ?? 0, cancellationToken);
        return result.Outcome switch
        {
            SecretOutcome.Granted => TypedResults.Ok(ToMetadata(result.Value!)),

            // The right token, a well-formed request, an action the secret does not allow.
            SecretOutcome.NotExtendable => TypedResults.Problem(
                statusCode: Status403Forbidden, title: "Not extendable", detail: "This secret was created without permission to extend it.",
                extensions: new Dictionary<string, object?> { ["code"] = "not_extendable" }),
            SecretOutcome.OutOfBounds when request.AddViews > 0 => new FieldErrors()
                .Add("addViews", $"Views can be added only to a secret with a view limit, up to {limits.MaxViews} views in total.")
                .ToResult(),
            SecretOutcome.OutOfBounds => new FieldErrors()
                .Add("addSeconds", $"This secret is already at its latest possible expiry: {limits.MaxExpiresInSeconds} seconds from now, and at most {limits.MaxLifetimeSeconds} seconds after its creation.")
                .ToResult(),
            _ => Failure(result),
        };
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteSecret(
        string id, [FromHeader(Name = "Authorization")] string? authorization, HttpResponse response, SecretService secrets,
        CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        const string Which = "the manage token or the access token";
        if (BearerCredentials(authorization) is not { } credentials)
        {
            return Unauthorized(response, Which);
        }

        var errors = new FieldErrors();
        var token = errors.RequireToken("authorization", credentials, $"Must be {Which}: 32 bytes, base64url.");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var result = await secrets.DeleteAsync(id, token!, cancellationToken);
        return result.Outcome == SecretOutcome.Granted ? TypedResults.NoContent() : Failure(result);
    }

    public static async Task<Results<Ok<SecretStatusResponse>, ValidationProblem, ProblemHttpResult>> GetSecretStatus(
        string id, [FromHeader(Name = "Authorization")] string? authorization, int? after, int? limit, HttpResponse response,
        SecretService secrets, AuditKeyRing keys, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        const string Which = "the manage token";
        if (BearerCredentials(authorization) is not { } credentials)
        {
            return Unauthorized(response, Which);
        }

        var errors = new FieldErrors();
        var token = errors.RequireToken("authorization", credentials, $"Must be {Which}: 32 bytes, base64url.");
        errors.RequireRange("after", after, 0, AuditTrail.MaxEvents);
        errors.RequireRange("limit", limit, 1, AuditTrail.MaxEvents);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (await secrets.GetStatusAsync(id, token!, cancellationToken) is not { } receipt)
        {
            return NotFound();
        }

        var (trail, verdict, issuedAt) = receipt;
        var page = trail.Events.Where(e => e.Seq > (after ?? 0)).Take(limit ?? AuditTrail.MaxEvents).ToList();
        var folded = trail.Head.Folded;
        var unsigned = new SecretStatusResponse(
            id,
            receipt.Status,
            trail.Head.ExpiresAt,
            receipt.IsActive && trail.Events is [.., { } last] ? last.ViewsRemaining : null,
            [.. page.Select(e => new SecretEventResponse(
                e.Seq, e.Type, e.OccurredAt, e.ViewsRemaining, e.Detail, Base64Url.EncodeToString(e.Hash), Base64Url.EncodeToString(e.PrevHash), e.KeyId))],
            new ChainVerdictResponse(verdict.Verified, trail.Head.LastSeq, Base64Url.EncodeToString(trail.Head.LastHash), verdict.Problem),
            page is [.., { } lastOfPage] && trail.Events[^1].Seq > lastOfPage.Seq ? lastOfPage.Seq : null,
            folded.Any ? new FoldedEventsResponse(folded.Viewed, folded.Extended, folded.FailedAttempts) : null,
            issuedAt,
            Signature: null);
        return TypedResults.Ok(unsigned with { Signature = Sign(unsigned, keys.Current) });
    }

    /// <summary>Signs the receipt a status (or one page of it) carries, as it is read, never on the write path (docs/performance.md).</summary>
    private static ReceiptSignatureResponse Sign(SecretStatusResponse receipt, AuditKey key)
    {
        var canonical = Client.ReceiptFormat.CanonicalBytes(new Client.SecretStatus(
            receipt.Id, receipt.Status, receipt.ExpiresAt, receipt.ViewsRemaining,
            [.. receipt.Events.Select(e => new Client.SecretEvent(e.Seq, e.Type, e.OccurredAt, e.ViewsRemaining, e.Detail, e.Hash, e.PrevHash, e.KeyId))],
            new Client.ChainVerdict(receipt.Chain.Verified, receipt.Chain.Length, receipt.Chain.HeadHash, receipt.Chain.Problem),
            receipt.IssuedAt));
        return new ReceiptSignatureResponse("ES256", key.Id, Base64Url.EncodeToString(key.Sign(canonical)));
    }

    /// <summary>The credentials of an <c>Authorization: Bearer</c> header; <c>null</c> when there is none or another scheme.</summary>
    internal static string? BearerCredentials(string? authorization)
    {
        const string BearerPrefix = "Bearer ";
        return authorization is not null && authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? authorization[BearerPrefix.Length..].Trim()
            : null;
    }

    /// <summary>RFC 6750 section 3.1: a request without credentials gets 401 and a challenge that names the scheme, and no error code.</summary>
    internal static ProblemHttpResult Unauthorized(HttpResponse response, string which)
    {
        response.Headers.WWWAuthenticate = "Bearer";
        return TypedResults.Problem(
            statusCode: Status401Unauthorized,
            title: "Token required",
            detail: $"Send an 'Authorization: Bearer <token>' header with {which} (32 bytes, base64url).");
    }

    private static SecretMetadataResponse ToMetadata(SecretMetadata secret) =>
        new(secret.Id, secret.ExpiresAt, secret.MaxViews, secret.ViewsRemaining, secret.PassphraseProtected, secret.Extendable);

    /// <summary>A wrong token is a 403 (with the attempts left when the secret counts them); anything else a 404.</summary>
    private static ProblemHttpResult Failure<T>(SecretResult<T> result) => result switch
    {
        { Outcome: SecretOutcome.WrongToken, AttemptsRemaining: { } remaining } => TypedResults.Problem(
            statusCode: Status403Forbidden,
            title: "Wrong token",
            detail: remaining > 0
                ? $"The token or passphrase is wrong. {remaining} attempt(s) left before the secret is deleted."
                : "The token or passphrase is wrong. No attempts are left: the secret has been deleted.",
            extensions: new Dictionary<string, object?> { ["code"] = "wrong_token", ["attemptsRemaining"] = remaining }),
        { Outcome: SecretOutcome.WrongToken } => TypedResults.Problem(
            statusCode: Status403Forbidden,
            title: "Wrong token",
            detail: "The token is wrong.",
            extensions: new Dictionary<string, object?> { ["code"] = "wrong_token" }),
        _ => NotFound(),
    };

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: Status404NotFound,
        title: "Secret not found",
        detail: "The secret does not exist, has expired, has already been viewed or was deleted.");
}
