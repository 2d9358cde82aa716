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
/// DynamoDB storage: what each operation decides from the secret and its audit head as read. A decision is an answer
/// that writes nothing or a planned change (the secret's conditioned write and its events), which
/// <see cref="DynamoDbCommitter"/> commits with the moved head in one transaction, deciding again when a racer got in
/// first.
/// </summary>
internal sealed class DynamoDbSecretRepository(
    IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, IOptions<StorageOptions> options, AuditKeyRing keys, AttemptDeadline deadline)
    : ISecretRepository
{
    private readonly DynamoDbCommitter committer = new(dynamoDb, backend, options, keys, deadline);
    private readonly string table = backend.TableName;
    private readonly string eventsTable = backend.EventsTableName;

    private TimeSpan Retention => options.Value.EventRetention;

    public Task CreateAsync(NewSecret secret, CancellationToken cancellationToken) =>
        deadline.RunAsync(token => CreateInTimeAsync(secret, token), cancellationToken);

    private async Task CreateInTimeAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        var state = secret.State;
        try
        {
            await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = CreationWrites(secret) }, cancellationToken);
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

    /// <summary>
    /// The three puts that create a secret: the item, its audit head and its <c>created</c> event. A request's answer
    /// commits them in the transaction that takes the answer (<see cref="DynamoDbRequestRepository"/>).
    /// </summary>
    internal List<TransactWriteItem> CreationWrites(NewSecret secret)
    {
        var state = secret.State;
        var key = keys.Current;
        var created = EventChain.Next(key, state.Id, (0, EventChain.Genesis), SecretEventTypes.Created, state.CreatedAt, state.MaxViews);
        var head = AuditItem.NewHead(state, state.ExpiresAt + Retention);
        head[AuditItem.LastSeq] = Number(created.Seq);
        head[AuditItem.LastHash] = Binary(created.Hash);
        head[AuditItem.KeyId] = new AttributeValue { S = key.Id };
        head[AuditItem.HeadMac] = Binary(EventChain.ComputeHeadMac(key, state.Id, created.Seq, created.Hash, closed: false, state.ExpiresAt, FoldedEvents.None));
        return
        [
            new() { Put = new Put { TableName = table, Item = From(secret), ConditionExpression = "attribute_not_exists(#id)", ExpressionAttributeNames = Names(Id) } },
            committer.PutNew(head),
            committer.PutNew(AuditItem.From(created, state.ExpiresAtLimit + Retention)),
        ];
    }

    public async Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) =>
        await deadline.RunAsync(token => FindStoredAsync(id, token), cancellationToken) is { } state && state.IsLiveAt(now) ? state : null;

    public async Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        await committer.ApplyAsync<RevealedSecret>(attempt.Id, withCiphertext: true, (item, _) =>
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

    public async Task<SecretResult<SecretMetadata>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken) =>
        await committer.ApplyAsync<SecretMetadata>(attempt.Id, withCiphertext: false, (item, _) =>
        {
            if (Live(item, attempt.Now) is not { } state)
            {
                return SecretOutcome.Gone;
            }

            // The token first, so that a wrong token on a secret that is not extendable still counts.
            if (!Matches(state.AccessHash, attempt.TokenHash))
            {
                return CountFailure<SecretMetadata>(state, attempt);
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

            return new Change<SecretMetadata>(SecretResult<SecretMetadata>.Granted(extended.Metadata), UpdateSecret(state, update, values), attempt.Now, extended,
                new EventDraft(SecretEventTypes.Extended, extended.ViewsRemaining));
        }, cancellationToken);

    public async Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken) =>
        await committer.ApplyAsync<DeletedBy>(attempt.Id, withCiphertext: false, (item, _) =>
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

    public Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken) =>
        deadline.RunAsync(token => ReadAuditTrailInTimeAsync(id, token), cancellationToken);

    private async Task<AuditTrail?> ReadAuditTrailInTimeAsync(string id, CancellationToken cancellationToken)
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
        await committer.ApplyAsync<bool>(id, withCiphertext: false, (_, head) => head is { } open && open.IsExpiredUnrecorded(now)
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

}
