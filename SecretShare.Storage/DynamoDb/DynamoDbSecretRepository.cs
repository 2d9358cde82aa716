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
/// DynamoDB storage. A state change reads the secret and its audit head in one consistent <c>BatchGetItem</c>,
/// decides in code, and writes the change, its events and the moved head in one <c>TransactWriteItems</c>: the
/// secret's write is conditioned on the state it was decided from, each event's put on <c>attribute_not_exists</c> of
/// its sequence number, and the head's update on its last sequence number. A request that loses a race re-reads and
/// tries again, so racing requests serialise without gaps or duplicates in the chain.
/// </summary>
internal sealed class DynamoDbSecretRepository(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, IOptions<StorageOptions> options, AuditKeyRing keys)
    : ISecretRepository
{
    // Racing requests on one secret retry with jittered exponential pauses; one that still loses after this long gives up
    // with a TimeoutException, which the API answers as 503 with Retry-After rather than a wrong 404.
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

    public async Task CreateAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        var state = secret.State;
        var key = keys.Current;
        var created = EventChain.Next(key, state.Id, (0, EventChain.Genesis), SecretEventTypes.Created, state.CreatedAt, state.MaxViews);
        var head = AuditItem.NewHead(state, state.ExpiresAt + Retention);
        head[AuditItem.LastSeq] = Number(created.Seq);
        head[AuditItem.LastHash] = Binary(created.Hash);
        head[AuditItem.KeyId] = new AttributeValue { S = key.Id };
        head[AuditItem.HeadMac] = Binary(EventChain.ComputeHeadMac(key, state.Id, created.Seq, created.Hash, closed: false, state.ExpiresAt, FoldedEvents.None));
        try
        {
            await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new() { Put = new Put { TableName = table, Item = From(secret), ConditionExpression = "attribute_not_exists(#id)", ExpressionAttributeNames = Names(Id) } },
                    PutNew(head),
                    PutNew(AuditItem.From(created, state.ExpiresAtLimit + Retention)),
                ],
            }, cancellationToken);
        }
        catch (TransactionCanceledException)
        {
            // The SDK retries a call whose answer was lost (timeout, dropped connection); when the first attempt was
            // applied, the retry finds the item. It is this secret if it carries this secret's random manage hash.
            var stored = await FindStoredAsync(state.Id, cancellationToken);
            if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.ManageHash, state.ManageHash))
            {
                throw;
            }
        }
    }

    public async Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await FindStoredAsync(id, cancellationToken) is { } state && state.IsLiveAt(now) ? state : null;

    public async Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        await ApplyAsync<RevealedSecret>(attempt.Id, withCiphertext: true, (item, _) =>
        {
            if (Live(item, attempt.Now) is not { } state)
            {
                return SecretOutcome.Gone;
            }

            if (!Matches(state.AccessHash, attempt.TokenHash))
            {
                return CountFailure<RevealedSecret>(state, attempt);
            }

            var revealed = ToRevealed(item!) with { Views = state.Views + 1 };
            var granted = SecretResult<RevealedSecret>.Granted(revealed);
            return revealed.Burned
                ? new Change<RevealedSecret>(granted, DeleteSecret(state), attempt.Now, state,
                    new EventDraft(SecretEventTypes.Viewed, 0), new EventDraft(SecretEventTypes.Burned, 0, SecretEventDetails.LastView))
                : new Change<RevealedSecret>(granted, UpdateSecret(state, "SET #views = :views_next", new() { [":views_next"] = Number(revealed.Views) }),
                    attempt.Now, state,
                    new EventDraft(SecretEventTypes.Viewed, revealed.ViewsRemaining));
        }, cancellationToken);

    public async Task<SecretResult<SecretState>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken) =>
        await ApplyAsync<SecretState>(attempt.Id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, attempt.Now) is not { } state)
            {
                return SecretOutcome.Gone;
            }

            // The token first, so that a wrong token on a secret that is not extendable still counts.
            if (!Matches(state.AccessHash, attempt.TokenHash))
            {
                return CountFailure<SecretState>(state, attempt);
            }

            if (!state.Extendable)
            {
                return SecretOutcome.NotExtendable;
            }

            // DynamoDB cannot compute min(expiry + added, latest) in an update expression: it is computed from the
            // consistent read and written on condition that nothing changed since.
            if (extension.ApplyTo(state, attempt.Now) is not { } extended)
            {
                return SecretOutcome.OutOfBounds;
            }

            var values = new Dictionary<string, AttributeValue> { [":expires_next"] = Number(EpochSeconds(extended.ExpiresAt)) };
            var update = "SET #expires_at = :expires_next";
            if (extended.MaxViews is { } maxViews)
            {
                values[":max_next"] = Number(maxViews);
                update += ", #max_views = :max_next";
            }

            return new Change<SecretState>(SecretResult<SecretState>.Granted(extended), UpdateSecret(state, update, values), attempt.Now, extended,
                new EventDraft(SecretEventTypes.Extended, extended.ViewsRemaining));
        }, cancellationToken);

    public async Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        await ApplyAsync<DeletedBy>(attempt.Id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, attempt.Now) is not { } state)
            {
                return SecretOutcome.Gone;
            }

            var byCreator = Matches(state.ManageHash, attempt.TokenHash);
            if (!byCreator && !Matches(state.AccessHash, attempt.TokenHash))
            {
                return CountFailure<DeletedBy>(state, attempt);
            }

            return new Change<DeletedBy>(SecretResult<DeletedBy>.Granted(byCreator ? DeletedBy.Creator : DeletedBy.Recipient), DeleteSecret(state), attempt.Now, state,
                new EventDraft(SecretEventTypes.Deleted, state.ViewsRemaining, byCreator ? SecretEventDetails.Creator : SecretEventDetails.Recipient));
        }, cancellationToken);

    public async Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var page = await dynamoDb.QueryAsync(new QueryRequest
            {
                TableName = eventsTable,
                KeyConditionExpression = "#secret_id = :id",
                ExpressionAttributeNames = Names(AuditItem.SecretId),
                ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = id } },
                ConsistentRead = true,
                ExclusiveStartKey = startKey,
            }, cancellationToken);
            items.AddRange(page.Items);
            startKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        if (items.FirstOrDefault(item => ToInt(item[AuditItem.Seq]) == AuditItem.HeadSeq) is not { } headItem)
        {
            return null;
        }

        // A query is not one snapshot: events appended after the head was read belong to a later state of the chain.
        var head = AuditItem.ToHead(headItem);
        return new AuditTrail(head, [.. items
            .Where(item => ToInt(item[AuditItem.Seq]) is var seq && seq > AuditItem.HeadSeq && seq <= head.LastSeq)
            .Select(AuditItem.ToEvent)]);
    }

    public async Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ApplyAsync<bool>(id, withCiphertext: false, (_, head) => head is { } open && open.IsExpiredUnrecorded(now)
            ? new Change<bool>(SecretResult<bool>.Granted(true), null, open.ExpiresAt, null,
                new EventDraft(SecretEventTypes.Expired, null, SecretEventDetails.Receipt))
            : SecretOutcome.Gone, cancellationToken);

    /// <summary>The stored secret, live or not, without the ciphertext; <c>null</c> when there is no item.</summary>
    private async Task<SecretState?> FindStoredAsync(string id, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = Key(id),
            ConsistentRead = true,
            ProjectionExpression = string.Join(", ", StateAttributes.Select(a => "#" + a)),
            ExpressionAttributeNames = Names(StateAttributes),
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? ToState(item) : null;
    }

    /// <summary>
    /// A wrong token on a live secret. A passphrase-protected secret counts it in the same conditional transaction as any
    /// other change, conditioned on the counter it read, so two racers can never both use the last attempt; at the limit
    /// the secret is deleted. Elsewhere nothing is written: the access token has 256 bits, and counting would only let
    /// anyone who saw the id destroy the secret.
    /// </summary>
    private Decision<T> CountFailure<T>(SecretState state, TokenAttempt attempt)
    {
        if (!state.PassphraseProtected)
        {
            return SecretResult<T>.WrongToken(null);
        }

        var failed = state.FailedAttempts + 1;
        var denied = SecretResult<T>.WrongToken(Math.Max(0, attempt.MaxFailedAttempts - failed));
        return failed >= attempt.MaxFailedAttempts
            ? new Change<T>(denied, DeleteSecret(state), attempt.Now, state,
                new EventDraft(SecretEventTypes.FailedAttempt, state.ViewsRemaining),
                new EventDraft(SecretEventTypes.Burned, state.ViewsRemaining, SecretEventDetails.FailedAttempts))
            : new Change<T>(denied, UpdateSecret(state, "SET #failed_attempts = :failed_next", new() { [":failed_next"] = Number(failed) }),
                attempt.Now, state, new EventDraft(SecretEventTypes.FailedAttempt, state.ViewsRemaining));
    }

    private static bool Matches(byte[] storedHash, byte[] presentedHash) => CryptographicOperations.FixedTimeEquals(storedHash, presentedHash);

    /// <summary>
    /// Reads the secret and its head, lets <paramref name="decide"/> answer or plan the change, and applies a planned
    /// change with its events in one transaction; re-reads and decides again when a racing change got in first, so the
    /// answer always rests on the state the change was conditioned on.
    /// </summary>
    private async Task<SecretResult<T>> ApplyAsync<T>(
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

            if (await ReadAsync(id, withCiphertext, cancellationToken) is not { } read)
            {
                continue;
            }

            switch (decide(read.Item, read.Head))
            {
                case Answer<T> answer:
                    return answer.Result;
                case Change<T> change when await TryCommitAsync(id, read.Head, change, cancellationToken):
                    return change.Result;
            }
        }
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

    /// <summary>The live state of a secret item, or <c>null</c> when it is gone, expired or exhausted.</summary>
    private static SecretState? Live(Dictionary<string, AttributeValue>? item, DateTimeOffset now) =>
        item is not null && ToState(item) is { } state && state.IsLiveAt(now) ? state : null;

    private TransactWriteItem UpdateSecret(SecretState state, string update, Dictionary<string, AttributeValue> values)
    {
        // The update names only attributes that the condition names too.
        var (condition, names, unchanged) = Unchanged(state);
        foreach (var (key, value) in values)
        {
            unchanged[key] = value;
        }

        return new() { Update = new Update { TableName = table, Key = Key(state.Id), UpdateExpression = update, ConditionExpression = condition, ExpressionAttributeNames = names, ExpressionAttributeValues = unchanged } };
    }

    private TransactWriteItem DeleteSecret(SecretState state)
    {
        var (condition, names, values) = Unchanged(state);
        return new() { Delete = new Delete { TableName = table, Key = Key(state.Id), ConditionExpression = condition, ExpressionAttributeNames = names, ExpressionAttributeValues = values } };
    }

    /// <summary>The condition that the item still holds the state a change was decided from.</summary>
    private static (string Condition, Dictionary<string, string> Names, Dictionary<string, AttributeValue> Values) Unchanged(SecretState state)
    {
        var condition = "#views = :views AND #failed_attempts = :failed AND #expires_at = :expires AND ";
        var values = new Dictionary<string, AttributeValue>
        {
            [":views"] = Number(state.Views),
            [":failed"] = Number(state.FailedAttempts),
            [":expires"] = Number(EpochSeconds(state.ExpiresAt)),
        };
        if (state.MaxViews is { } maxViews)
        {
            condition += "#max_views = :max";
            values[":max"] = Number(maxViews);
        }
        else
        {
            condition += "attribute_not_exists(#max_views)";
        }

        return (condition, Names(Views, FailedAttempts, ExpiresAt, MaxViews), values);
    }

    private TransactWriteItem PutNew(Dictionary<string, AttributeValue> item) => new()
    {
        Put = new Put { TableName = eventsTable, Item = item, ConditionExpression = "attribute_not_exists(#seq)", ExpressionAttributeNames = Names(AuditItem.Seq) },
    };

    /// <summary>What a decision came to: an answer that writes nothing, or a change to commit.</summary>
    private abstract record Decision<T>
    {
        public static implicit operator Decision<T>(SecretResult<T> result) => new Answer<T>(result);

        public static implicit operator Decision<T>(SecretOutcome outcome) => new Answer<T>(outcome);
    }

    private sealed record Answer<T>(SecretResult<T> Result) : Decision<T>;

    /// <summary>
    /// A planned change: its result, the secret's write (none for a recorded expiry), the secret as it will be (none for
    /// a recorded expiry) and the events it appends.
    /// </summary>
    private sealed record Change<T>(
        SecretResult<T> Result, TransactWriteItem? SecretWrite, DateTimeOffset OccurredAt, SecretState? Secret, params EventDraft[] Events) : Decision<T>;
}
