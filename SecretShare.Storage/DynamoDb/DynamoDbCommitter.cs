using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Secrets;
using static SecretShare.Storage.DynamoDb.SecretItem;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// How a change to one secret reaches DynamoDB: read the secret and its audit head in one consistent
/// <c>BatchGetItem</c>, let the operation decide, and commit the planned change with its events and the moved head in
/// one <c>TransactWriteItems</c> conditioned on what was read; a request that loses a race re-reads and decides again.
/// The operations' decisions live in <see cref="DynamoDbSecretRepository"/>; this class knows none of them.
/// </summary>
internal sealed class DynamoDbCommitter(
    IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, IOptions<StorageOptions> options, AuditKeyRing keys, AttemptDeadline deadline)
{
    // Racing requests on one secret retry with jittered exponential pauses, each attempt under its own deadline; one that
    // still loses after this long gives up with a TimeoutException, which the API answers as 503 with Retry-After rather
    // than a wrong 404.
    private static readonly TimeSpan ContentionLimit = TimeSpan.FromSeconds(20);

    // Racing changes to one secret within this process queue on its stripe instead of colliding in DynamoDB, where every
    // loser pays a read and a cancelled transaction; across API instances the transaction conditions still decide.
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    // The stripe only spares collisions; correctness rests on the conditions. A request waits this long for its turn,
    // then goes ahead, so that an unreachable database fails each request in one call's time instead of queueing them.
    private static readonly TimeSpan StripeWait = TimeSpan.FromSeconds(1);

    private readonly string table = backend.TableName;
    private readonly string eventsTable = backend.EventsTableName;

    private TimeSpan Retention => options.Value.EventRetention;

    /// <summary>
    /// Reads the secret and its head, lets <paramref name="decide"/> answer or plan the change, and applies a planned
    /// change with its events in one transaction; re-reads and decides again when a racing change got in first, so the
    /// answer always rests on the state the change was conditioned on.
    /// </summary>
    public async Task<SecretResult<T>> ApplyAsync<T>(
        string id, bool withCiphertext, Func<Dictionary<string, AttributeValue>?, AuditHead?, Decision<T>> decide, CancellationToken cancellationToken)
    {
        var stripe = stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(id) % (uint)stripes.Length)];
        var inTurn = await stripe.WaitAsync(StripeWait, cancellationToken);
        try
        {
            return await ApplyInTurnAsync(id, withCiphertext, decide, cancellationToken);
        }
        finally
        {
            if (inTurn)
            {
                stripe.Release();
            }
        }
    }

    private async Task<SecretResult<T>> ApplyInTurnAsync<T>(
        string id, bool withCiphertext, Func<Dictionary<string, AttributeValue>?, AuditHead?, Decision<T>> decide, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                if (Stopwatch.GetElapsedTime(started) > ContentionLimit)
                {
                    throw new TimeoutException($"A change to one secret lost {attempt} races in a row.");
                }

                // Full jitter, doubling up to 256 ms: racers spread out instead of colliding again.
                await Task.Delay(Random.Shared.Next(1, 2 << Math.Min(attempt, 7)), cancellationToken);
            }

            if (await deadline.RunAsync(token => AttemptAsync(id, withCiphertext, decide, token), cancellationToken) is { } result)
            {
                return result;
            }
        }
    }

    /// <summary>One read, decision and commit; <c>null</c> when a racing change got in first and it must start again.</summary>
    private async Task<SecretResult<T>?> AttemptAsync<T>(
        string id, bool withCiphertext, Func<Dictionary<string, AttributeValue>?, AuditHead?, Decision<T>> decide, CancellationToken cancellationToken)
    {
        if (await ReadAsync(id, withCiphertext, cancellationToken) is not { } read)
        {
            return null;
        }

        return decide(read.Item, read.Head) switch
        {
            Answer<T> answer => answer.Result,
            Change<T> change when await TryCommitAsync(id, read.Head, change, cancellationToken) => change.Result,
            _ => null,
        };
    }

    /// <summary>
    /// The secret (<c>null</c> when gone) and its head, read consistently in one call; <c>null</c> when the read must be
    /// retried. Not one snapshot, and it need not be: the commit is conditioned on both the secret's state and the head's
    /// sequence number, so a change decided from a torn read fails and is decided again.
    /// </summary>
    private async Task<(Dictionary<string, AttributeValue>? Item, AuditHead? Head)?> ReadAsync(string id, bool withCiphertext, CancellationToken cancellationToken)
    {
        var secret = new KeysAndAttributes { Keys = [Key(id)], ConsistentRead = true };
        if (!withCiphertext)
        {
            secret.ProjectionExpression = string.Join(", ", StateAttributes.Select(a => "#" + a));
            secret.ExpressionAttributeNames = Names(StateAttributes);
        }

        var response = await dynamoDb.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new()
            {
                [table] = secret,
                [eventsTable] = new KeysAndAttributes { Keys = [AuditItem.Key(id, AuditItem.HeadSeq)], ConsistentRead = true },
            },
        }, cancellationToken);
        if (response.UnprocessedKeys is { Count: > 0 })
        {
            return null;
        }

        return (Single(response, table), Single(response, eventsTable) is { } head ? AuditItem.ToHead(head) : null);

        static Dictionary<string, AttributeValue>? Single(BatchGetItemResponse response, string table) =>
            response.Responses?.GetValueOrDefault(table) is [{ Count: > 0 } item, ..] ? item : null;
    }

    /// <summary>
    /// Writes the change, its events and the moved head. The head carries a random request id: when the SDK retried a
    /// transaction whose answer was lost and the retry is cancelled because the first attempt was applied, the head
    /// still carries this call's id, and the change is this call's.
    /// </summary>
    private async Task<bool> TryCommitAsync<T>(string id, AuditHead? head, Change<T> change, CancellationToken cancellationToken)
    {
        var marker = RandomNumberGenerator.GetBytes(16);
        var items = new List<TransactWriteItem>();
        if (change.SecretWrite is { } secretWrite)
        {
            items.Add(secretWrite);
        }

        // A secret stored before audit trails existed has no head: its changes are not recorded.
        if (head is not null)
        {
            var terminal = SecretEventTypes.IsTerminal(change.Events[^1].Type);
            var expiresAt = change.Secret?.ExpiresAt ?? head.ExpiresAt;
            var plan = EventChain.Append(keys, head, change.OccurredAt, expiresAt, change.Events);

            // Events never need a new TTL: theirs is the latest end the secret can reach, plus the retention. The head
            // is written by every change, so its TTL follows the end: the terminal event, or else the expiry.
            var eventsRetainUntil = (change.Secret?.ExpiresAtLimit ?? head.ExpiresAt) + Retention;
            var headRetainUntil = (terminal ? change.OccurredAt : expiresAt) + Retention;
            items.AddRange(plan.Events.Select(e => PutNew(AuditItem.From(e, eventsRetainUntil))));
            items.Add(new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = eventsTable,
                    Key = AuditItem.Key(id, AuditItem.HeadSeq),
                    UpdateExpression = "SET #last_seq = :seq, #last_hash = :hash, #expires_at = :expires, #closed = :closed, #retain_until = :retain, " +
                        "#folded_viewed = :folded_viewed, #folded_extended = :folded_extended, #folded_failed_attempts = :folded_failed_attempts, #last_request = :request, " +
                        "#key_id = :key_id, #head_mac = :head_mac",
                    ConditionExpression = "#last_seq = :expected AND #closed = :open",
                    ExpressionAttributeNames = Names(
                        AuditItem.LastSeq, AuditItem.LastHash, ExpiresAt, AuditItem.Closed, AuditItem.RetainUntil,
                        AuditItem.FoldedViewed, AuditItem.FoldedExtended, AuditItem.FoldedFailedAttempts, LastRequest, AuditItem.KeyId, AuditItem.HeadMac),
                    ExpressionAttributeValues = new()
                    {
                        [":seq"] = Number(plan.LastSeq),
                        [":hash"] = Binary(plan.LastHash),
                        [":expires"] = Number(EpochSeconds(expiresAt)),
                        [":closed"] = new AttributeValue { BOOL = terminal },
                        [":retain"] = Number(EpochSeconds(headRetainUntil)),
                        [":folded_viewed"] = Number(plan.Folded.Viewed),
                        [":folded_extended"] = Number(plan.Folded.Extended),
                        [":folded_failed_attempts"] = Number(plan.Folded.FailedAttempts),
                        [":request"] = Binary(marker),
                        [":expected"] = Number(head.LastSeq),
                        [":open"] = new AttributeValue { BOOL = false },
                        [":key_id"] = new AttributeValue { S = plan.KeyId },
                        [":head_mac"] = Binary(plan.HeadMac),
                    },
                },
            });
        }

        try
        {
            await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = items }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException cancelled) when (LostRace(cancelled))
        {
            var stored = await dynamoDb.GetItemAsync(new GetItemRequest
            {
                TableName = eventsTable,
                Key = AuditItem.Key(id, AuditItem.HeadSeq),
                ConsistentRead = true,
            }, cancellationToken);
            return head is not null && stored.Item is { } current && current.TryGetValue(LastRequest, out var mark) &&
                mark.B is { } applied && applied.ToArray().AsSpan().SequenceEqual(marker);
        }
    }

    /// <summary>Cancelled by a failed condition or a concurrent transaction on the same items, not by a fault.</summary>
    private static bool LostRace(TransactionCanceledException cancelled) =>
        cancelled.CancellationReasons is not { } reasons || reasons.All(r => r.Code is null or "None" or "ConditionalCheckFailed" or "TransactionConflict");

    /// <summary>A put of a new events-table item (event or head), fenced on its sequence number.</summary>
    public TransactWriteItem PutNew(Dictionary<string, AttributeValue> item) => new()
    {
        Put = new Put { TableName = eventsTable, Item = item, ConditionExpression = "attribute_not_exists(#seq)", ExpressionAttributeNames = Names(AuditItem.Seq) },
    };
}

/// <summary>What a decision came to: an answer that writes nothing, or a change to commit.</summary>
internal abstract record Decision<T>
{
    public static implicit operator Decision<T>(SecretResult<T> result) => new Answer<T>(result);

    public static implicit operator Decision<T>(SecretOutcome outcome) => new Answer<T>(outcome);
}

internal sealed record Answer<T>(SecretResult<T> Result) : Decision<T>;

/// <summary>
/// A planned change: its result, the secret's write (none for a recorded expiry), the secret as it will be (none for
/// a recorded expiry) and the events it appends.
/// </summary>
internal sealed record Change<T>(
    SecretResult<T> Result, TransactWriteItem? SecretWrite, DateTimeOffset OccurredAt, SecretState? Secret, params EventDraft[] Events) : Decision<T>;
