namespace SecretShare.Api.Apis;

/// <summary>Body of <c>POST /api/requests</c>. Binary values are base64url without padding.</summary>
/// <param name="PublicKey">The requester's ECDH P-256 public key, raw uncompressed (65 bytes: 0x04 || X || Y).</param>
/// <param name="ExpiresInSeconds">Lifetime of the request and of its answers; the secrets' default when absent.</param>
/// <param name="MaxAnswers">How many answers it takes, 1 by default.</param>
/// <param name="AnswerViews">How many times each answer can be revealed from the inbox, 1 by default.</param>
public sealed record CreateRequestRequest(string? PublicKey, int? ExpiresInSeconds, int? MaxAnswers, int? AnswerViews);

/// <summary>Answer to a creation. <paramref name="ManageToken"/> is shown once and opens the inbox.</summary>
public sealed record CreateRequestResponse(string Id, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswerViews, string ManageToken);

/// <summary>What a sender may know: the key to encrypt to (checked against the link's fingerprint) and the payload limit.</summary>
public sealed record RequestResponse(string Id, string PublicKey, DateTimeOffset ExpiresAt, int AnswersRemaining, int MaxPayloadBytes);

/// <summary>Body of an answer: the payload, the derived access token and the sender's ephemeral public key (65 bytes).</summary>
public sealed record CreateAnswerRequest(string? Ciphertext, string? AccessToken, string? EphemeralKey);

/// <summary>The stored answer: the id of its secret and when it expires (with the request).</summary>
public sealed record CreateAnswerResponse(string Id, DateTimeOffset ExpiresAt);

/// <summary>
/// The requester's inbox: the request, its answers (metadata only; each is revealed as a secret) and the request's
/// trail: <c>created</c>, then per answer <c>answered</c> and what its secret's trail recorded after (<c>viewed</c>,
/// <c>burned</c>, <c>deleted</c>, <c>expired</c>).
/// </summary>
public sealed record InboxResponse(
    string Id, DateTimeOffset ExpiresAt, int MaxAnswers, int AnswersRemaining, int AnswerViews, IReadOnlyList<InboxAnswerResponse> Answers,
    IReadOnlyList<RequestEventResponse> Events);

/// <summary>One answer: its secret's id, the sender's ephemeral key, and its status (<c>active</c>, <c>burned</c>, <c>deleted</c>, <c>expired</c>).</summary>
public sealed record InboxAnswerResponse(string Id, string EphemeralKey, DateTimeOffset AnsweredAt, string Status, int? ViewsRemaining);

/// <summary>One entry of the request's trail; <paramref name="AnswerId"/> is absent for <c>created</c>.</summary>
public sealed record RequestEventResponse(string Type, DateTimeOffset OccurredAt, string? AnswerId);
