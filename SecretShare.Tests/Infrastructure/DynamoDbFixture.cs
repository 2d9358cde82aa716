using System.Globalization;
using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Configuration;
using SecretShare.Storage.Secrets;

namespace SecretShare.Tests.Infrastructure;

public class DynamoDbFixture : BackendFixture
{
    private DynamoDbLocalServer? server;

    public override string Backend => "DynamoDb";

    public string TableName { get; } = $"secretshare-test-{Guid.NewGuid():N}";

    public string Endpoint { get; private set; } = "";

    public override async Task<bool> IsStoredAsync(string id) => await ReadItemAsync(id) is not null;

    public override async Task<byte[]?> ReadStoredBytesAsync(string id)
    {
        if (await ReadItemAsync(id) is not { } item)
        {
            return null;
        }

        using var bytes = new MemoryStream();
        foreach (var (name, value) in item)
        {
            bytes.Write(System.Text.Encoding.UTF8.GetBytes(name + "=" + (value.S ?? value.N ?? value.BOOL?.ToString() ?? "")));
            value.B?.WriteTo(bytes);
        }

        return bytes.ToArray();
    }

    private async Task<Dictionary<string, AttributeValue>?> ReadItemAsync(string id)
    {
        using var client = Server.CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = TableName,
            Key = new() { ["id"] = new AttributeValue { S = id } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    public string EventsTableName => TableName + "-events";

    public override async Task<int> CountAuditItemsAsync(string id) => (await ReadAuditItemsAsync(id)).Count;

    public override async Task SetEventTypeAsync(string id, int seq, string type)
    {
        var item = (await ReadAuditItemsAsync(id)).Single(i => i["seq"].N == seq.ToString(CultureInfo.InvariantCulture));
        item["type"] = new AttributeValue { S = type };
        await PutEventAsync(item);
    }

    public override async Task DeleteEventAsync(string id, int seq)
    {
        using var client = Server.CreateClient();
        await client.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = EventsTableName,
            Key = new() { ["secret_id"] = new AttributeValue { S = id }, ["seq"] = new AttributeValue { N = seq.ToString(CultureInfo.InvariantCulture) } },
        });
    }

    public override async Task SwapEventsAsync(string id, int seqA, int seqB)
    {
        var items = await ReadAuditItemsAsync(id);
        var a = items.Single(i => i["seq"].N == seqA.ToString(CultureInfo.InvariantCulture));
        var b = items.Single(i => i["seq"].N == seqB.ToString(CultureInfo.InvariantCulture));
        (a["seq"], b["seq"]) = (b["seq"], a["seq"]);
        await PutEventAsync(a);
        await PutEventAsync(b);
    }

    public override async Task RewriteTrailAsync(string id, Func<IReadOnlyList<SecretEvent>, IReadOnlyList<SecretEvent>> rewrite)
    {
        var items = await ReadAuditItemsAsync(id);
        var head = items.Single(i => i["seq"].N == "0");
        var stored = items.Where(i => i["seq"].N != "0").Select(ToEvent).OrderBy(e => e.Seq).ToList();
        var events = rewrite(stored);
        using var client = Server.CreateClient();
        foreach (var e in stored)
        {
            await client.DeleteItemAsync(new DeleteItemRequest { TableName = EventsTableName, Key = AuditKey(id, e.Seq) });
        }

        var retainUntil = head["retain_until"];
        foreach (var e in events)
        {
            var item = AuditKey(id, e.Seq);
            item["type"] = new AttributeValue { S = e.Type };
            item["occurred_at"] = new AttributeValue { N = e.OccurredAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
            item["prev_hash"] = new AttributeValue { B = new MemoryStream(e.PrevHash) };
            item["hash"] = new AttributeValue { B = new MemoryStream(e.Hash) };
            item["retain_until"] = retainUntil;
            if (e.ViewsRemaining is { } views)
            {
                item["views_remaining"] = new AttributeValue { N = views.ToString(CultureInfo.InvariantCulture) };
            }

            if (e.Detail is { } detail)
            {
                item["detail"] = new AttributeValue { S = detail };
            }

            if (e.KeyId is { } keyId)
            {
                item["key_id"] = new AttributeValue { S = keyId };
            }

            await PutEventAsync(item);
        }

        head["last_seq"] = new AttributeValue { N = events[^1].Seq.ToString(CultureInfo.InvariantCulture) };
        head["last_hash"] = new AttributeValue { B = new MemoryStream(events[^1].Hash) };
        head["closed"] = new AttributeValue { BOOL = SecretEventTypes.IsTerminal(events[^1].Type) };
        await PutEventAsync(head);
    }

    public override async Task<object> SnapshotTrailAsync(string id) => await ReadAuditItemsAsync(id);

    public override async Task RestoreTrailAsync(string id, object snapshot)
    {
        using var client = Server.CreateClient();
        foreach (var item in await ReadAuditItemsAsync(id))
        {
            await client.DeleteItemAsync(new DeleteItemRequest { TableName = EventsTableName, Key = AuditKey(id, int.Parse(item["seq"].N, CultureInfo.InvariantCulture)) });
        }

        foreach (var item in (List<Dictionary<string, AttributeValue>>)snapshot)
        {
            await PutEventAsync(item);
        }
    }

    private static Dictionary<string, AttributeValue> AuditKey(string id, int seq) =>
        new() { ["secret_id"] = new AttributeValue { S = id }, ["seq"] = new AttributeValue { N = seq.ToString(CultureInfo.InvariantCulture) } };

    private static SecretEvent ToEvent(Dictionary<string, AttributeValue> item) => new(
        item["secret_id"].S, int.Parse(item["seq"].N, CultureInfo.InvariantCulture), item["type"].S,
        DateTimeOffset.FromUnixTimeSeconds(long.Parse(item["occurred_at"].N, CultureInfo.InvariantCulture)),
        item.TryGetValue("views_remaining", out var views) ? int.Parse(views.N, CultureInfo.InvariantCulture) : null,
        item.TryGetValue("detail", out var detail) ? detail.S : null,
        item["prev_hash"].B.ToArray(), item["hash"].B.ToArray(),
        item.TryGetValue("key_id", out var keyId) ? keyId.S : null);

    private async Task PutEventAsync(Dictionary<string, AttributeValue> item)
    {
        using var client = Server.CreateClient();
        await client.PutItemAsync(new PutItemRequest { TableName = EventsTableName, Item = item });
    }

    /// <summary>The audit head (seq 0) and every event item of this id, read directly from the events table.</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> ReadAuditItemsAsync(string id)
    {
        using var client = Server.CreateClient();
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = EventsTableName,
            KeyConditionExpression = "secret_id = :id",
            ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = id } },
            ConsistentRead = true,
        });
        return response.Items;
    }

    private DynamoDbLocalServer Server => server ?? throw new InvalidOperationException("Fixture not initialised");

    /// <summary>The shared test server; see <see cref="PrivateDynamoDbFixture"/>.</summary>
    protected virtual Task<DynamoDbLocalServer> StartServerAsync() => TestServers.DynamoDb;

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateBackendSettingsAsync()
    {
        server = await StartServerAsync();
        Endpoint = server.Endpoint;
        await DynamoDbLocalServer.CreateTablesAsync(Endpoint, TableName);
        return new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = "",
            [EnvironmentVariables.DynamoDbTable] = TableName,
            [EnvironmentVariables.DynamoDbEndpoint] = Endpoint,
            [EnvironmentVariables.AwsRegion] = "us-east-1",
        };
    }
}

/// <summary>
/// A DynamoDB Local of its own (unless <c>TEST_DYNAMODB_ENDPOINT</c> names one), for tests that wait for its TTL:
/// the TTL sweep visits every item of every table on its server, and on the shared server in a full run (load and
/// outage tests included) it did not reach a trail within 300 s.
/// </summary>
public sealed class PrivateDynamoDbFixture : DynamoDbFixture
{
    private DynamoDbLocalServer? ownServer;

    protected override async Task<DynamoDbLocalServer> StartServerAsync() => ownServer = await DynamoDbLocalServer.StartAsync();

    protected override async ValueTask DisposeDatabaseAsync()
    {
        if (ownServer is not null)
        {
            await ownServer.DisposeAsync();
        }
    }
}
