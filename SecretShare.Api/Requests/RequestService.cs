using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SecretShare.Api.Secrets;
using SecretShare.Storage.Requests;
using SecretShare.Storage.Secrets;

namespace SecretShare.Api.Requests;

/// <summary>One answer as the inbox shows it: the stored answer and its secret's trail (<c>null</c> once the trail is gone).</summary>
public sealed record InboxAnswer(RequestAnswer Answer, AuditTrail? Trail)
{
    /// <summary><c>active</c>, or the terminal event's type (<c>burned</c>, <c>deleted</c>, <c>expired</c>).</summary>
    public string Status => Trail is { Head.Closed: true, Events: [.., { } last] } ? last.Type : Trail is null ? "expired" : "active";

    public int? ViewsRemaining => Status == "active" && Trail is { Events: [.., { } last] } ? last.ViewsRemaining : 0;
}

/// <summary>
/// Requests (docs/spec.md section 8) on top of the repository: creation, the sender's answer (one conditional step in
/// the repository, which decides whether an answer is left), and the requester's inbox with each answer's trail.
/// </summary>
public sealed class RequestService(
    IRequestRepository requests, ISecretRepository secrets, TimeProvider clock, IOptions<SecretLimitsOptions> limits, SecretShareMetrics metrics)
{
    /// <summary>The most answers one request takes.</summary>
    public const int MaxAnswers = 20;

    /// <summary>A raw uncompressed P-256 public key: 0x04 || X || Y.</summary>
    public const int PublicKeyBytes = 65;

    /// <summary>Whether the bytes are an uncompressed P-256 point on the curve (a sender must not encrypt to a bogus key).</summary>
    public static bool IsPublicKey(byte[] key)
    {
        if (key.Length != PublicKeyBytes || key[0] != 0x04)
        {
            return false;
        }

        try
        {
            using var ecdh = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = key[1..33], Y = key[33..] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public async Task<(RequestState Request, string ManageToken)> CreateAsync(
        byte[] publicKey, int expiresInSeconds, int maxAnswers, int answerViews, CancellationToken cancellationToken)
    {
        var now = Now();
        var manageToken = SecretTokens.NewToken();
        var request = new RequestState(
            SecretTokens.NewId(), publicKey, SecretTokens.Hash(manageToken), now, now.AddSeconds(expiresInSeconds), maxAnswers, Answers: 0, answerViews);
        await requests.CreateAsync(request, cancellationToken);
        metrics.Created();
        return (request, System.Buffers.Text.Base64Url.EncodeToString(manageToken));
    }

    /// <summary>What a sender may know: the request while it is live and has an answer left.</summary>
    public async Task<RequestState?> GetOpenAsync(string id, CancellationToken cancellationToken) =>
        await requests.FindAsync(id, Now(), cancellationToken) is { Request: { AnswersRemaining: > 0 } request } ? request : null;

    public async Task<SecretResult<TakenAnswer>> AnswerAsync(
        string id, byte[] ciphertext, byte[] accessToken, byte[] ephemeralKey, CancellationToken cancellationToken)
    {
        var result = await requests.AnswerAsync(
            new NewAnswer(id, SecretTokens.NewId(), SecretTokens.Hash(accessToken), SecretTokens.Hash(SecretTokens.NewToken()), ciphertext, ephemeralKey, Now()),
            cancellationToken);
        if (result.Outcome == SecretOutcome.Granted)
        {
            metrics.Created();
        }

        return result;
    }

    /// <summary>
    /// The inbox for the holder of the manage token: the request, its answers and each answer's trail;
    /// <see cref="SecretOutcome.Gone"/> when the request is unknown or expired, <see cref="SecretOutcome.WrongToken"/>
    /// with another token (a read: nothing is counted, and the token has 256 bits).
    /// </summary>
    public async Task<SecretResult<(RequestState Request, IReadOnlyList<InboxAnswer> Answers)>> InboxAsync(
        string id, byte[] manageToken, CancellationToken cancellationToken)
    {
        if (await requests.FindAsync(id, Now(), cancellationToken) is not { } inbox)
        {
            return SecretOutcome.Gone;
        }

        if (!CryptographicOperations.FixedTimeEquals(inbox.Request.ManageHash, SecretTokens.Hash(manageToken)))
        {
            return SecretResult<(RequestState, IReadOnlyList<InboxAnswer>)>.WrongToken(null);
        }

        var answers = new List<InboxAnswer>();
        foreach (var answer in inbox.Answers)
        {
            answers.Add(new InboxAnswer(answer, await secrets.ReadAuditTrailAsync(answer.SecretId, cancellationToken)));
        }

        return SecretResult<(RequestState, IReadOnlyList<InboxAnswer>)>.Granted((inbox.Request, answers));
    }

    /// <summary>
    /// Deletes the request for the holder of its manage token, then each answer it had taken, as its creator would
    /// delete a secret (its trail records <c>deleted</c>). The request goes in one conditional step, so no answer comes
    /// after it; an answer already read, or one left by a crash before its turn, goes when the request would have
    /// expired, as it always does.
    /// </summary>
    public async Task<SecretOutcome> DeleteAsync(string id, byte[] manageToken, CancellationToken cancellationToken)
    {
        var now = Now();
        var result = await requests.DeleteAsync(id, SecretTokens.Hash(manageToken), now, cancellationToken);
        if (result is not { Outcome: SecretOutcome.Granted, Value: { } answers })
        {
            return result.Outcome;
        }

        foreach (var answerId in answers)
        {
            // Nobody holds an answer's manage token: the hash it was stored with stands for it.
            if (await secrets.FindLiveAsync(answerId, now, cancellationToken) is { } answer
                && (await secrets.DeleteAsync(new TokenAttempt(answerId, answer.ManageHash, now, Limits.MaxFailedAttempts), cancellationToken)).Outcome
                    == SecretOutcome.Granted)
            {
                metrics.Burned("deleted");
            }
        }

        return SecretOutcome.Granted;
    }

    public SecretLimitsOptions Limits => limits.Value;

    /// <summary>Whole seconds, as for secrets: DynamoDB's TTL attribute holds epoch seconds.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }
}
