using System.Buffers.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SecretShare.Api.Infrastructure;
using SecretShare.Api.Requests;
using SecretShare.Api.Secrets;
using SecretShare.Storage.Secrets;
using static Microsoft.AspNetCore.Http.StatusCodes;

namespace SecretShare.Api.Apis;

/// <summary>The request API of SPEC section 8: a requester asks, a sender answers, the requester reads the answers.</summary>
public static class RequestsApi
{
    public static IEndpointRouteBuilder MapRequestsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/requests").WithTags("Requests");

        api.MapPost("/", CreateRequest)
            .RequireRateLimiting(RateLimitingExtensions.CreatePolicy)
            .WithSummary("Registers a request: the requester's public key, its expiry and how many answers it takes")
            .ProducesProblem(Status429TooManyRequests);

        api.MapGet("/{id}", GetRequest)
            .WithSummary("The public key to encrypt an answer to, while the request is live and has an answer left");

        api.MapPost("/{id}/answers", CreateAnswer)
            .RequireRateLimiting(RateLimitingExtensions.CreatePolicy)
            .WithSummary("Stores an encrypted answer, if the request still takes one")
            .ProducesProblem(Status413PayloadTooLarge)
            .ProducesProblem(Status429TooManyRequests);

        api.MapGet("/{id}/answers", GetInbox)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("The requester's inbox: the answers (metadata only) and the request's trail")
            .ProducesProblem(Status401Unauthorized)
            .ProducesProblem(Status403Forbidden)
            .ProducesProblem(Status429TooManyRequests);

        api.MapDelete("/{id}", DeleteRequest)
            .RequireRateLimiting(RateLimitingExtensions.TokenPolicy)
            .WithSummary("Deletes a request and its answers with the request's manage token")
            .ProducesProblem(Status401Unauthorized)
            .ProducesProblem(Status403Forbidden)
            .ProducesProblem(Status429TooManyRequests);

        return app;
    }

    public static async Task<Results<Created<CreateRequestResponse>, ValidationProblem>> CreateRequest(
        CreateRequestRequest request, RequestService requests, CancellationToken cancellationToken)
    {
        var limits = requests.Limits;
        var errors = new FieldErrors();
        var publicKey = RequirePublicKey(errors, "publicKey", request.PublicKey);
        var expiresInSeconds = request.ExpiresInSeconds ?? limits.DefaultExpiresInSeconds;
        errors.RequireRange("expiresInSeconds", expiresInSeconds, limits.MinExpiresInSeconds, limits.MaxExpiresInSeconds);
        errors.RequireRange("maxAnswers", request.MaxAnswers, 1, RequestService.MaxAnswers);
        errors.RequireRange("answerViews", request.AnswerViews, 1, limits.MaxViews);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var (created, manageToken) = await requests.CreateAsync(
            publicKey!, expiresInSeconds, request.MaxAnswers ?? 1, request.AnswerViews ?? 1, cancellationToken);
        return TypedResults.Created(
            $"/api/requests/{created.Id}",
            new CreateRequestResponse(created.Id, created.ExpiresAt, created.MaxAnswers, created.AnswerViews, manageToken));
    }

    public static async Task<Results<Ok<RequestResponse>, ProblemHttpResult>> GetRequest(
        string id, RequestService requests, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id) || await requests.GetOpenAsync(id, cancellationToken) is not { } request)
        {
            return NotFound();
        }

        return TypedResults.Ok(new RequestResponse(
            request.Id, Base64Url.EncodeToString(request.PublicKey), request.ExpiresAt, request.AnswersRemaining, requests.Limits.MaxPayloadBytes));
    }

    public static async Task<Results<Created<CreateAnswerResponse>, ValidationProblem, ProblemHttpResult>> CreateAnswer(
        string id, CreateAnswerRequest request, RequestService requests, CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        var errors = new FieldErrors();
        if (SecretsApi.RequireCiphertext(errors, request.Ciphertext, requests.Limits, out var ciphertext) is { } tooLarge)
        {
            return tooLarge;
        }

        var accessToken = errors.RequireToken("accessToken", request.AccessToken);
        var ephemeralKey = RequirePublicKey(errors, "ephemeralKey", request.EphemeralKey);
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var result = await requests.AnswerAsync(id, ciphertext, accessToken!, ephemeralKey!, cancellationToken);
        return result is { Outcome: SecretOutcome.Granted, Value: { } taken }
            ? TypedResults.Created($"/api/secrets/{taken.Answer.SecretId}", new CreateAnswerResponse(taken.Answer.SecretId, taken.ExpiresAt))
            : NotFound();
    }

    public static async Task<Results<Ok<InboxResponse>, ValidationProblem, ProblemHttpResult>> GetInbox(
        string id, [FromHeader(Name = "Authorization")] string? authorization, HttpResponse response, RequestService requests,
        CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        var (token, unauthorized, invalid) = ManageToken(authorization, response);
        if (unauthorized is not null)
        {
            return unauthorized;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        var result = await requests.InboxAsync(id, token!, cancellationToken);
        if (result.Outcome == SecretOutcome.WrongToken)
        {
            return WrongToken();
        }

        if (result.Outcome != SecretOutcome.Granted)
        {
            return NotFound();
        }

        var (request, answers) = result.Value;
        var events = new List<RequestEventResponse> { new("created", request.CreatedAt, null) };
        foreach (var answer in answers)
        {
            events.Add(new("answered", answer.Answer.AnsweredAt, answer.Answer.SecretId));
            events.AddRange((answer.Trail?.Events ?? []).Where(e => e.Type != SecretEventTypes.Created)
                .Select(e => new RequestEventResponse(e.Type, e.OccurredAt, answer.Answer.SecretId)));
        }

        return TypedResults.Ok(new InboxResponse(
            request.Id, request.ExpiresAt, request.MaxAnswers, request.AnswersRemaining, request.AnswerViews,
            [.. answers.Select(a => new InboxAnswerResponse(
                a.Answer.SecretId, Base64Url.EncodeToString(a.Answer.EphemeralKey), a.Answer.AnsweredAt, a.Status, a.ViewsRemaining))],
            [.. events.OrderBy(e => e.OccurredAt)]));
    }

    private static byte[]? RequirePublicKey(FieldErrors errors, string field, string? value)
    {
        if (SecretTokens.TryDecode(value, out var key) && RequestService.IsPublicKey(key))
        {
            return key;
        }

        errors.Add(field, $"Required: a P-256 public key on the curve, raw uncompressed ({RequestService.PublicKeyBytes} bytes: 0x04, X, Y), base64url.");
        return null;
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteRequest(
        string id, [FromHeader(Name = "Authorization")] string? authorization, HttpResponse response, RequestService requests,
        CancellationToken cancellationToken)
    {
        if (!SecretTokens.IsWellFormedId(id))
        {
            return NotFound();
        }

        var (token, unauthorized, invalid) = ManageToken(authorization, response);
        if (unauthorized is not null)
        {
            return unauthorized;
        }

        if (invalid is not null)
        {
            return invalid;
        }

        return await requests.DeleteAsync(id, token!, cancellationToken) switch
        {
            SecretOutcome.Granted => TypedResults.NoContent(),
            SecretOutcome.WrongToken => WrongToken(),
            _ => NotFound(),
        };
    }

    /// <summary>The request's manage token from the Authorization header, or why it cannot be read: 401 or 400.</summary>
    private static (byte[]? Token, ProblemHttpResult? Unauthorized, ValidationProblem? Invalid) ManageToken(
        string? authorization, HttpResponse response)
    {
        const string Which = "the request's manage token";
        if (SecretsApi.BearerCredentials(authorization) is not { } credentials)
        {
            return (null, SecretsApi.Unauthorized(response, Which), null);
        }

        var errors = new FieldErrors();
        var token = errors.RequireToken("authorization", credentials, $"Must be {Which}: 32 bytes, base64url.");
        return errors.Any ? (null, null, errors.ToResult()) : (token, null, null);
    }

    private static ProblemHttpResult WrongToken() => TypedResults.Problem(
        statusCode: Status403Forbidden, title: "Wrong token", detail: "The manage token is wrong.",
        extensions: new Dictionary<string, object?> { ["code"] = "wrong_token" });

    private static ProblemHttpResult NotFound() => TypedResults.Problem(
        statusCode: Status404NotFound,
        title: "Request not found",
        detail: "The request does not exist, has expired or has taken all its answers.");
}
