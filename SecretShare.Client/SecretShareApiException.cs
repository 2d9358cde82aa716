using System.Net;

namespace SecretShare.Client;

/// <summary>
/// The server answered with an error (RFC 9457 problem+json) or with something that is not the expected
/// response. Carries what a caller needs to react: the status, the problem's title and detail, the
/// attempts left after a wrong access token (403) and the wait asked for by a 429.
/// </summary>
public sealed class SecretShareApiException : Exception
{
    public SecretShareApiException(
        HttpStatusCode statusCode,
        string? title,
        string? detail,
        int? attemptsRemaining = null,
        TimeSpan? retryAfter = null,
        IReadOnlyDictionary<string, string[]>? errors = null,
        Exception? innerException = null)
        : base(BuildMessage(statusCode, title, detail), innerException)
    {
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
        AttemptsRemaining = attemptsRemaining;
        RetryAfter = retryAfter;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public HttpStatusCode StatusCode { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>The <c>attemptsRemaining</c> extension of a 403 problem, when the secret counts wrong tokens.</summary>
    public int? AttemptsRemaining { get; }

    /// <summary>The <c>code</c> extension of a 403 problem: <c>wrong_token</c> or <c>not_extendable</c> (SPEC section 2).</summary>
    public string? Code { get; init; }

    /// <summary>The right token, but the secret was created without permission to extend it.</summary>
    public bool IsNotExtendable => StatusCode == HttpStatusCode.Forbidden && Code == "not_extendable";

    /// <summary>The <c>Retry-After</c> header of a 429 (or 503), as a delay.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Field errors of a 400 validation problem (<c>errors</c> extension), keyed by field.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string BuildMessage(HttpStatusCode statusCode, string? title, string? detail)
    {
        var head = $"{(int)statusCode} {title ?? statusCode.ToString()}";
        return string.IsNullOrWhiteSpace(detail) ? head : $"{head}: {detail}";
    }
}
