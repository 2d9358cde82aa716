using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Requests;
using SecretShare.Storage.Secrets;
using static SecretShare.Storage.DynamoDb.SecretItem;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// DynamoDB request storage. A request is an item of the secrets table under the key <c>request#{id}</c> (unreachable
/// by the secrets API, whose ids are 22 base64url characters), with <c>expires_at</c> as its TTL like a secret's. An
/// answer is one <c>TransactWriteItems</c>: the request's update conditioned on "not expired and an answer left", which
/// moves the counter and appends the answer to the request's list, and the three puts that create the answer's secret.
/// Two racers cannot both commit: the loser's condition fails (the request is full) or its transaction conflicts and
/// is tried again.
/// </summary>
internal sealed class DynamoDbRequestRepository(IAmazonDynamoDB dynamoDb, DynamoDbBackend backend, DynamoDbSecretRepository secrets)
    : IRequestRepository
{
    private const string KeyPrefix = "request#";
    private const string PublicKey = "public_key";
    private const string MaxAnswers = "max_answers";
    private const string Answers = "answers";
    private const string AnswerViews = "answer_views";
    private const string AnswerList = "answer_list";
    private const string SecretId = "secret_id";
    private const string EphemeralKey = "ephemeral_key";
    private const string AnsweredAt = "answered_at";

    private static readonly TimeSpan ContentionLimit = TimeSpan.FromSeconds(4);

    private readonly string table = backend.TableName;

    public async Task CreateAsync(RequestState request, CancellationToken cancellationToken) =>
        await dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new()
            {
                [Id] = new() { S = KeyPrefix + request.Id },
                [PublicKey] = Binary(request.PublicKey),
                [ManageHash] = Binary(request.ManageHash),
                [CreatedAt] = Number(EpochSeconds(request.CreatedAt)),
                [ExpiresAt] = Number(EpochSeconds(request.ExpiresAt)),
                [MaxAnswers] = Number(request.MaxAnswers),
                [Answers] = Number(request.Answers),
                [AnswerViews] = Number(request.AnswerViews),
                [AnswerList] = new() { L = [], IsLSet = true },
            },
            ConditionExpression = "attribute_not_exists(#id)",
            ExpressionAttributeNames = Names(Id),
        }, cancellationToken);

    public async Task<RequestInbox?> FindAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var response = await dynamoDb.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(KeyPrefix + id), ConsistentRead = true }, cancellationToken);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        var request = new RequestState(
            Id: id,
            PublicKey: item[PublicKey].B.ToArray(),
            ManageHash: item[ManageHash].B.ToArray(),
            CreatedAt: DateTimeOffset.FromUnixTimeSeconds(ToLong(item[CreatedAt])),
            ExpiresAt: DateTimeOffset.FromUnixTimeSeconds(ToLong(item[ExpiresAt])),
            MaxAnswers: ToInt(item[MaxAnswers]),
            Answers: ToInt(item[Answers]),
            AnswerViews: ToInt(item[AnswerViews]));
        if (request.IsExpiredAt(now))
        {
            return null;
        }

        var answers = (item.TryGetValue(AnswerList, out var list) ? list.L ?? [] : [])
            .Select((answer, index) => new RequestAnswer(
                index + 1, answer.M[SecretId].S, answer.M[EphemeralKey].B.ToArray(), DateTimeOffset.FromUnixTimeSeconds(ToLong(answer.M[AnsweredAt]))))
            .ToList();
        return new RequestInbox(request, answers);
    }

    public async Task<SecretResult<TakenAnswer>> AnswerAsync(NewAnswer answer, CancellationToken cancellationToken)
    {
        // The answer's views and expiry are the request's, which never change: one read gives them; the commit's
        // condition decides whether the answer may still be taken.
        if (await FindAsync(answer.RequestId, answer.Now, cancellationToken) is not { } inbox)
        {
            return SecretOutcome.Gone;
        }

        var request = inbox.Request;
        var secret = new NewSecret(
            new SecretState(answer.SecretId, answer.AccessHash, answer.ManageHash, answer.Now, request.ExpiresAt, request.ExpiresAt,
                request.AnswerViews, Views: 0, FailedAttempts: 0, Extendable: false, PassphraseProtected: false),
            answer.Ciphertext);
        var listed = new AttributeValue
        {
            M = new()
            {
                [SecretId] = new() { S = answer.SecretId },
                [EphemeralKey] = Binary(answer.EphemeralKey),
                [AnsweredAt] = Number(EpochSeconds(answer.Now)),
            },
        };

        var started = DateTimeOffset.UtcNow;
        for (var attempt = 0; ; attempt++)
        {
            var take = new TransactWriteItem
            {
                Update = new Update
                {
                    TableName = table,
                    Key = Key(KeyPrefix + answer.RequestId),
                    UpdateExpression = "SET #answers = #answers + :one, #answer_list = list_append(#answer_list, :answer)",
                    ConditionExpression = "attribute_exists(#id) AND #answers < #max_answers AND #expires_at > :now",
                    ExpressionAttributeNames = Names(Id, Answers, AnswerList, MaxAnswers, ExpiresAt),
                    ExpressionAttributeValues = new()
                    {
                        [":one"] = Number(1),
                        [":answer"] = new() { L = [listed] },
                        [":now"] = Number(EpochSeconds(answer.Now)),
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            };
            try
            {
                await dynamoDb.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [take, .. secrets.CreationWrites(secret)] }, cancellationToken);
                return Taken(request, answer, await SeqOfAsync(answer, cancellationToken));
            }
            catch (TransactionCanceledException cancelled) when (cancelled.CancellationReasons is { Count: > 0 } reasons)
            {
                if (reasons[0].Code == "ConditionalCheckFailed")
                {
                    // The SDK may have retried a call whose first attempt committed: then this answer is on the list.
                    return reasons[0].Item is { } old && Lists(old, answer.SecretId)
                        ? Taken(request, answer, ToInt(old[Answers]))
                        : SecretOutcome.Gone;
                }

                if (reasons.Any(r => r.Code is not (null or "None" or "TransactionConflict")) || DateTimeOffset.UtcNow - started > ContentionLimit)
                {
                    throw;
                }

                // A racer's transaction on the same request: decide again after a jittered pause.
                await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(5, 20 << Math.Min(attempt, 4))), cancellationToken);
            }
        }
    }

    public async Task<SecretResult<IReadOnlyList<string>>> DeleteAsync(
        string id, byte[] manageHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One conditional delete: an answer's transaction conditions on the item, so it commits before (and is on the
        // returned list) or finds nothing after.
        try
        {
            var deleted = await dynamoDb.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = Key(KeyPrefix + id),
                ConditionExpression = "attribute_exists(#id) AND #expires_at > :now AND #manage_hash = :hash",
                ExpressionAttributeNames = Names(Id, ExpiresAt, ManageHash),
                ExpressionAttributeValues = new() { [":now"] = Number(EpochSeconds(now)), [":hash"] = Binary(manageHash) },
                ReturnValues = ReturnValue.ALL_OLD,
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            }, cancellationToken);
            return SecretResult<IReadOnlyList<string>>.Granted(AnswerIds(deleted.Attributes));
        }
        catch (ConditionalCheckFailedException failed)
        {
            // Live with another manage hash: a wrong token, and nothing written. Otherwise unknown or expired.
            return failed.Item is { Count: > 0 } old && ToLong(old[ExpiresAt]) > EpochSeconds(now)
                ? SecretResult<IReadOnlyList<string>>.WrongToken(null)
                : SecretOutcome.Gone;
        }
    }

    private static List<string> AnswerIds(Dictionary<string, AttributeValue>? item) =>
        item is not null && item.TryGetValue(AnswerList, out var list) ? [.. (list.L ?? []).Select(a => a.M[SecretId].S)] : [];

    private static SecretResult<TakenAnswer> Taken(RequestState request, NewAnswer answer, int seq) =>
        SecretResult<TakenAnswer>.Granted(new TakenAnswer(new RequestAnswer(seq, answer.SecretId, answer.EphemeralKey, answer.Now), request.ExpiresAt));

    private static bool Lists(Dictionary<string, AttributeValue> item, string secretId) =>
        item.TryGetValue(AnswerList, out var list) && (list.L ?? []).Any(a => a.M[SecretId].S == secretId);

    /// <summary>The answer's place in the list it was appended to (the order the inbox shows).</summary>
    private async Task<int> SeqOfAsync(NewAnswer answer, CancellationToken cancellationToken)
    {
        var inbox = await FindAsync(answer.RequestId, answer.Now, cancellationToken);
        return inbox?.Answers.FirstOrDefault(a => a.SecretId == answer.SecretId)?.Seq ?? 0;
    }
}
