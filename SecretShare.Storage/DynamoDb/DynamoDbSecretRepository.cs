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
        var retainUntil = state.ExpiresAt + Retention;
        var head = AuditItem.NewHead(state, retainUntil);
        head[AuditItem.LastSeq] = Number(created.Seq);
        head[AuditItem.LastHash] = Binary(created.Hash);
        head[AuditItem.KeyId] = new AttributeValue { S = key.Id };
        head[AuditItem.HeadMac] = Binary(EventChain.ComputeHeadMac(key, state.Id, created.Seq, created.Hash, closed: false, state.ExpiresAt));
        try
        {
            await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new() { Put = new Put { TableName = table, Item = From(secret), ConditionExpression = "attribute_not_exists(#id)", ExpressionAttributeNames = Names(Id) } },
                    PutNew(head),
                    PutNew(AuditItem.From(created, retainUntil)),
                ],
            }, cancellationToken);
        }
        catch (TransactionCanceledException)
        {
            // The SDK retries a call whose answer was lost (timeout, dropped connection); when the first attempt was
            // applied, the retry finds the item. It is this secret if it carries this secret's random manage hash.
            var stored = await FindAsync(state.Id, cancellationToken);
            if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.ManageHash, state.ManageHash))
            {
                throw;
            }
        }
    }

    public async Task<SecretState?> FindAsync(string id, CancellationToken cancellationToken)
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

    public async Task<RevealedSecret?> TryRevealAsync(string id, byte[] accessHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var change = await ApplyAsync(id, withCiphertext: true, (item, _) =>
        {
            if (Live(item, now) is not { } state || !CryptographicOperations.FixedTimeEquals(state.AccessHash, accessHash))
            {
                return null;
            }

            var revealed = ToRevealed(item!) with { Views = state.Views + 1 };
            return revealed.Burned
                ? new Change<RevealedSecret>(revealed, DeleteSecret(state), now, state.ExpiresAt,
                    new EventDraft(SecretEventTypes.Viewed, 0), new EventDraft(SecretEventTypes.Burned, 0, SecretEventDetails.LastView))
                : new Change<RevealedSecret>(revealed, UpdateSecret(state, "SET #views = :views_next, #failed_attempts = :zero", new()
                    {
                        [":views_next"] = Number(revealed.Views),
                        [":zero"] = Number(0),
                    }), now, state.ExpiresAt,
                    new EventDraft(SecretEventTypes.Viewed, revealed.ViewsRemaining));
        }, cancellationToken);
        return change?.Result;
    }

    public async Task<int?> RecordFailedAttemptAsync(string id, DateTimeOffset now, int maxFailedAttempts, CancellationToken cancellationToken)
    {
        var change = await ApplyAsync(id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, now) is not { } state)
            {
                return null;
            }

            var failed = state.FailedAttempts + 1;
            return failed >= maxFailedAttempts
                ? new Change<int>(failed, DeleteSecret(state), now, state.ExpiresAt,
                    new EventDraft(SecretEventTypes.FailedAttempt, state.ViewsRemaining),
                    new EventDraft(SecretEventTypes.Burned, state.ViewsRemaining, SecretEventDetails.FailedAttempts))
                : new Change<int>(failed, UpdateSecret(state, "SET #failed_attempts = :failed_next", new() { [":failed_next"] = Number(failed) }),
                    now, state.ExpiresAt, new EventDraft(SecretEventTypes.FailedAttempt, state.ViewsRemaining));
        }, cancellationToken);
        return change?.Result;
    }

    public async Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // DynamoDB cannot compute min(expiry + added, latest) in an update expression: it is computed from the
        // consistent read and written on condition that nothing changed since.
        var change = await ApplyAsync(id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, now) is not { } state || !state.Extendable || !extension.FitsViews(state.MaxViews) ||
                !CryptographicOperations.FixedTimeEquals(state.AccessHash, accessHash))
            {
                return null;
            }

            var extended = state with
            {
                ExpiresAt = extension.ExtendExpiry(state.ExpiresAt),
                MaxViews = state.MaxViews + extension.AddViews,
                FailedAttempts = 0,
            };
            var values = new Dictionary<string, AttributeValue> { [":expires_next"] = Number(EpochSeconds(extended.ExpiresAt)), [":zero"] = Number(0) };
            var update = "SET #expires_at = :expires_next, #failed_attempts = :zero";
            if (extended.MaxViews is { } maxViews)
            {
                values[":max_next"] = Number(maxViews);
                update += ", #max_views = :max_next";
            }

            return new Change<SecretState>(extended, UpdateSecret(state, update, values), now, extended.ExpiresAt,
                new EventDraft(SecretEventTypes.Extended, extended.ViewsRemaining));
        }, cancellationToken);
        if (change?.Appended is [var extended])
        {
            await ExtendEventRetentionAsync(id, extended.Seq - 1, change.RetainUntil(Retention), cancellationToken);
        }

        return change?.Result;
    }

    public async Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var change = await ApplyAsync(id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, now) is not { } state)
            {
                return null;
            }

            var byCreator = CryptographicOperations.FixedTimeEquals(state.ManageHash, tokenHash);
            if (!byCreator && !CryptographicOperations.FixedTimeEquals(state.AccessHash, tokenHash))
            {
                return null;
            }

            return new Change<bool>(true, DeleteSecret(state), now, state.ExpiresAt,
                new EventDraft(SecretEventTypes.Deleted, state.ViewsRemaining, byCreator ? SecretEventDetails.Creator : SecretEventDetails.Recipient));
        }, cancellationToken);
        return change is not null;
    }

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

    public Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        ApplyAsync(id, withCiphertext: false, (_, head) => head is { } open && open.IsExpiredUnrecorded(now)
            ? new Change<bool>(true, null, open.ExpiresAt, open.ExpiresAt, new EventDraft(SecretEventTypes.Expired, null, SecretEventDetails.Receipt))
            : null, cancellationToken);

    /// <summary>
    /// Reads the secret and its head, lets <paramref name="decide"/> plan the change, and applies it with its events in
    /// one transaction; re-reads and decides again when a racing change got in first. <c>null</c> when the plan is
    /// <c>null</c>: the secret is gone or a check failed.
    /// </summary>
    private async Task<Change<T>?> ApplyAsync<T>(
        string id, bool withCiphertext, Func<Dictionary<string, AttributeValue>?, AuditHead?, Change<T>?> decide, CancellationToken cancellationToken)
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

    private async Task<Change<T>?> ApplyInTurnAsync<T>(
        string id, bool withCiphertext, Func<Dictionary<string, AttributeValue>?, AuditHead?, Change<T>?> decide, CancellationToken cancellationToken)
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

            if (decide(read.Item, read.Head) is not { } change)
            {
                return null;
            }

            if (await TryCommitAsync(id, read.Head, change, cancellationToken))
            {
                return change;
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
            var retainUntil = change.RetainUntil(Retention);
            var key = keys.Current;
            var link = (Seq: head.LastSeq, Hash: head.LastHash);
            foreach (var draft in change.Events)
            {
                var next = EventChain.Next(key, id, link, draft.Type, change.OccurredAt, draft.ViewsRemaining, draft.Detail);
                change.Appended.Add(next);
                items.Add(PutNew(AuditItem.From(next, retainUntil)));
                link = (next.Seq, next.Hash);
            }

            items.Add(new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = eventsTable,
                    Key = AuditItem.Key(id, AuditItem.HeadSeq),
                    UpdateExpression = "SET #last_seq = :seq, #last_hash = :hash, #expires_at = :expires, #closed = :closed, #retain_until = :retain, #last_request = :request, #key_id = :key_id, #head_mac = :head_mac",
                    ConditionExpression = "#last_seq = :expected AND #closed = :open",
                    ExpressionAttributeNames = Names(AuditItem.LastSeq, AuditItem.LastHash, ExpiresAt, AuditItem.Closed, AuditItem.RetainUntil, LastRequest, AuditItem.KeyId, AuditItem.HeadMac),
                    ExpressionAttributeValues = new()
                    {
                        [":seq"] = Number(link.Seq),
                        [":hash"] = Binary(link.Hash),
                        [":expires"] = Number(EpochSeconds(change.ExpiresAt)),
                        [":closed"] = new AttributeValue { BOOL = change.IsTerminal },
                        [":retain"] = Number(EpochSeconds(retainUntil)),
                        [":request"] = Binary(marker),
                        [":expected"] = Number(head.LastSeq),
                        [":open"] = new AttributeValue { BOOL = false },
                        [":key_id"] = new AttributeValue { S = key.Id },
                        [":head_mac"] = Binary(EventChain.ComputeHeadMac(key, id, link.Seq, link.Hash, change.IsTerminal, change.ExpiresAt)),
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

    /// <summary>
    /// After an extension moved the end of the secret, the earlier events' TTL moves with it, so the whole chain stays
    /// until the new end plus the retention. Best effort after the commit: an item that is already gone stays gone.
    /// </summary>
    private Task ExtendEventRetentionAsync(string id, int lastEarlierSeq, DateTimeOffset retainUntil, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(1, Math.Max(0, lastEarlierSeq)).Select(async seq =>
        {
            try
            {
                await dynamoDb.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = eventsTable,
                    Key = AuditItem.Key(id, seq),
                    UpdateExpression = "SET #retain_until = :retain",
                    ConditionExpression = "attribute_exists(#seq) AND #retain_until < :retain",
                    ExpressionAttributeNames = Names(AuditItem.RetainUntil, AuditItem.Seq),
                    ExpressionAttributeValues = new() { [":retain"] = Number(EpochSeconds(retainUntil)) },
                }, cancellationToken);
            }
            catch (ConditionalCheckFailedException)
            {
                // Gone, or already retained at least that long.
            }
        }));

    /// <summary>The live state of a secret item, or <c>null</c> when it is gone, expired or exhausted.</summary>
    private static SecretState? Live(Dictionary<string, AttributeValue>? item, DateTimeOffset now) =>
        item is not null && ToState(item) is { } state && !state.IsExpiredAt(now) && !state.IsExhausted ? state : null;

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

    private sealed record EventDraft(string Type, int? ViewsRemaining, string? Detail = null);

    /// <summary>A planned change: its result, the secret's write (none for a recorded expiry) and the events it appends.</summary>
    private sealed record Change<T>(T Result, TransactWriteItem? SecretWrite, DateTimeOffset OccurredAt, DateTimeOffset ExpiresAt, params EventDraft[] Events)
    {
        public bool IsTerminal => SecretEventTypes.IsTerminal(Events[^1].Type);

        /// <summary>The events as written, filled in by the commit.</summary>
        public List<SecretEvent> Appended { get; } = [];

        /// <summary>Retention runs from the end of the secret: its terminal event, or else its expiry.</summary>
        public DateTimeOffset RetainUntil(TimeSpan retention) => (IsTerminal ? OccurredAt : ExpiresAt) + retention;
    }
}
