using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Requests;

/// <summary>
/// Request storage (docs/design.md, "Requests for a secret"). An answer is stored as a secret (the same ciphertext envelope,
/// views, burn, expiry, cleanup and TTL) and taken by ONE conditional step where the data is: the request's answer
/// counter moves only while the request is live and has an answer left, in the same transaction that creates the
/// answer's secret and records it on the request, so racing senders never take more answers than the requester allowed.
/// </summary>
public interface IRequestRepository
{
    Task CreateAsync(RequestState request, CancellationToken cancellationToken);

    /// <summary>The request while it is not expired at <paramref name="now"/> (full or not), with its answers; else <c>null</c>.</summary>
    Task<RequestInbox?> FindAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one answer of a live request that has one left and stores it as a secret that lives as long as the request
    /// and has the request's <see cref="RequestState.AnswerViews"/>: <see cref="SecretOutcome.Granted"/> with the
    /// recorded answer, or <see cref="SecretOutcome.Gone"/> (unknown, expired or full) without writing anything.
    /// </summary>
    Task<SecretResult<TakenAnswer>> AnswerAsync(NewAnswer answer, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a live request whose manage hash is <paramref name="manageHash"/>, in one step that orders it with racing
    /// answers: <see cref="SecretOutcome.Granted"/> with the secret ids of the answers it had taken (the request takes
    /// none after it), <see cref="SecretOutcome.WrongToken"/> without writing, or <see cref="SecretOutcome.Gone"/>
    /// (unknown or expired). The answers' secrets are left to the caller.
    /// </summary>
    Task<SecretResult<IReadOnlyList<string>>> DeleteAsync(string id, byte[] manageHash, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// A request as stored: the requester's public key (raw uncompressed P-256, 65 bytes), the SHA-256 of its manage token,
/// how many answers it takes and has taken, and how many views each answer gets.
/// </summary>
public sealed record RequestState(
    string Id, byte[] PublicKey, byte[] ManageHash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int MaxAnswers, int Answers, int AnswerViews)
{
    public int AnswersRemaining => Math.Max(0, MaxAnswers - Answers);

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}

/// <summary>One answer as the inbox lists it: its secret's id, the sender's ephemeral public key and when it came.</summary>
public sealed record RequestAnswer(int Seq, string SecretId, byte[] EphemeralKey, DateTimeOffset AnsweredAt);

/// <summary>An answer just taken, and when it expires (with its request).</summary>
public sealed record TakenAnswer(RequestAnswer Answer, DateTimeOffset ExpiresAt);

/// <summary>A request and its answers in order, read at one point in time.</summary>
public sealed record RequestInbox(RequestState Request, IReadOnlyList<RequestAnswer> Answers);

/// <summary>
/// An answer to store: the sender's ciphertext, the SHA-256 of the access token both sides derive (docs/spec.md,
/// section 7), the sender's ephemeral public key, and a manage hash that nobody holds (the requester deletes an answer
/// with its access token).
/// </summary>
public sealed record NewAnswer(
    string RequestId, string SecretId, byte[] AccessHash, byte[] ManageHash, byte[] Ciphertext, byte[] EphemeralKey, DateTimeOffset Now);
