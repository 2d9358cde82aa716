using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Secrets;
using static SecretShare.Storage.DynamoDb.SecretItem;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// DynamoDB storage. Each state change is one conditional write: a limit condition for views and attempts, an
/// optimistic condition on the previous values for extend. The write that takes the last view or attempt
/// deletes the item next; until then the exhausted item already fails every condition and reads as gone.
/// </summary>
internal sealed class DynamoDbSecretRepository(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend) : ISecretRepository
{
    private const int ExtendRetries = 5;

    private readonly string table = backend.TableName;

    public async Task CreateAsync(NewSecret secret, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = From(secret),
                ConditionExpression = "attribute_not_exists(#id)",
                ExpressionAttributeNames = Names(Id),
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // The SDK retries a put whose answer was lost (timeout, dropped connection); when the first attempt was
            // applied, the retry finds the item. It is this secret if it carries this secret's random manage hash.
            var stored = await FindAsync(secret.State.Id, cancellationToken);
            if (stored is null || !CryptographicOperations.FixedTimeEquals(stored.ManageHash, secret.State.ManageHash))
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
        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(id),
            UpdateExpression = "SET #views = #views + :one, #failed_attempts = :zero, #last_request = :request",
            ConditionExpression = "#access_hash = :hash AND #expires_at > :now AND (attribute_not_exists(#max_views) OR #views < #max_views)",
            ExpressionAttributeNames = Names(Views, FailedAttempts, LastRequest, AccessHash, ExpiresAt, MaxViews),
            ExpressionAttributeValues = new()
            {
                [":one"] = Number(1),
                [":zero"] = Number(0),
                [":hash"] = Binary(accessHash),
                [":now"] = Number(EpochSeconds(now)),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken);
        if (updated is null)
        {
            return null;
        }

        var revealed = ToRevealed(updated);
        if (revealed.Burned)
        {
            await DeleteAsync(id, cancellationToken);
        }

        return revealed;
    }

    public async Task<int?> RecordFailedAttemptAsync(string id, DateTimeOffset now, int maxFailedAttempts, CancellationToken cancellationToken)
    {
        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = Key(id),
            UpdateExpression = "SET #failed_attempts = #failed_attempts + :one, #last_request = :request",
            ConditionExpression = "attribute_exists(#id) AND #expires_at > :now AND #failed_attempts < :max AND (attribute_not_exists(#max_views) OR #views < #max_views)",
            ExpressionAttributeNames = Names(Id, FailedAttempts, LastRequest, ExpiresAt, MaxViews, Views),
            ExpressionAttributeValues = new()
            {
                [":one"] = Number(1),
                [":max"] = Number(maxFailedAttempts),
                [":now"] = Number(EpochSeconds(now)),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken);
        if (updated is null)
        {
            return null;
        }

        var failedAttempts = ToInt(updated[FailedAttempts]);
        if (failedAttempts >= maxFailedAttempts)
        {
            await DeleteAsync(id, cancellationToken);
        }

        return failedAttempts;
    }

    public async Task<SecretState?> TryExtendAsync(string id, byte[] accessHash, SecretExtension extension, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // DynamoDB cannot compute min(expiry + added, latest) in an update expression: compute it from a fresh
        // read and write it on condition that nothing changed since; retry if a racing write got in first.
        for (var attempt = 0; attempt < ExtendRetries; attempt++)
        {
            var state = await FindAsync(id, cancellationToken);
            if (state is null || state.IsExpiredAt(now) || state.IsExhausted || !state.Extendable ||
                !extension.FitsViews(state.MaxViews) || !CryptographicOperations.FixedTimeEquals(state.AccessHash, accessHash))
            {
                return null;
            }

            var values = new Dictionary<string, AttributeValue>
            {
                [":hash"] = Binary(accessHash),
                [":old_expires"] = Number(EpochSeconds(state.ExpiresAt)),
                [":new_expires"] = Number(EpochSeconds(extension.ExtendExpiry(state.ExpiresAt))),
                [":views"] = Number(state.Views),
                [":zero"] = Number(0),
            };
            var update = "SET #expires_at = :new_expires, #failed_attempts = :zero";
            var condition = "#access_hash = :hash AND #expires_at = :old_expires AND #views = :views";
            List<string> names = [ExpiresAt, FailedAttempts, AccessHash, Views];
            if (state.MaxViews is { } maxViews)
            {
                names.Add(MaxViews);
                values[":old_max"] = Number(maxViews);
                values[":new_max"] = Number(maxViews + extension.AddViews);
                update += ", #max_views = :new_max";
                condition += " AND #max_views = :old_max";
            }

            var updated = await TryUpdateAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = Key(id),
                UpdateExpression = update,
                ConditionExpression = condition,
                ExpressionAttributeNames = Names([.. names]),
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            if (updated is not null)
            {
                return ToState(updated);
            }
        }

        return null;
    }

    public async Task<bool> TryDeleteAsync(string id, byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await dynamoDb.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = Key(id),
                ConditionExpression = "(#access_hash = :hash OR #manage_hash = :hash) AND #expires_at > :now",
                ExpressionAttributeNames = Names(AccessHash, ManageHash, ExpiresAt),
                ExpressionAttributeValues = new() { [":hash"] = Binary(tokenHash), [":now"] = Number(EpochSeconds(now)) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// A conditional update, or <c>null</c> when its condition fails. Each call marks the item with a random request id:
    /// when the SDK retries a call whose answer was lost and the retry fails the condition because the first attempt
    /// was applied, the old item still carries this call's mark, and it is this call's result.
    /// </summary>
    private async Task<Dictionary<string, AttributeValue>?> TryUpdateAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        var marker = RandomNumberGenerator.GetBytes(16);
        if (request.UpdateExpression.Contains("#" + LastRequest, StringComparison.Ordinal))
        {
            request.ExpressionAttributeValues[":request"] = Binary(marker);
            request.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        }

        try
        {
            return (await dynamoDb.UpdateItemAsync(request, cancellationToken)).Attributes;
        }
        catch (ConditionalCheckFailedException failed)
            when (failed.Item is { } old && old.TryGetValue(LastRequest, out var mark) && mark.B is { } stored && stored.ToArray().AsSpan().SequenceEqual(marker))
        {
            return old;
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        dynamoDb.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = Key(id) }, cancellationToken);
}
