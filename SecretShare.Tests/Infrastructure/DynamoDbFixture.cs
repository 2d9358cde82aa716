using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Configuration;

namespace SecretShare.Tests.Infrastructure;

public sealed class DynamoDbFixture : BackendFixture
{
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
        using var client = (await TestServers.DynamoDb).CreateClient();
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = TableName,
            Key = new() { ["id"] = new AttributeValue { S = id } },
            ConsistentRead = true,
        });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    protected override async Task<IReadOnlyDictionary<string, string?>> CreateBackendSettingsAsync()
    {
        Endpoint = (await TestServers.DynamoDb).Endpoint;
        return new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = "",
            [EnvironmentVariables.DynamoDbTable] = TableName,
            [EnvironmentVariables.DynamoDbEndpoint] = Endpoint,
            [EnvironmentVariables.AwsRegion] = "us-east-1",
        };
    }
}
