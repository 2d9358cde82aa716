using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace SecretShare.AppHost.Tests;

/// <summary>The API calls the AppHost tests make, with payloads shaped like protocol v1 ciphertext.</summary>
internal static class ApiCalls
{
    public sealed record Secret(string Id, string Ciphertext, string AccessToken);

    public static async Task<Secret> CreateAsync(HttpClient client, int maxViews, CancellationToken cancellationToken) =>
        await TryCreateAsync(client, maxViews, cancellationToken) ?? throw new InvalidOperationException("The API answered 503.");

    /// <summary>Creates a secret; null when the API answers 503 (its database is unavailable).</summary>
    public static async Task<Secret?> TryCreateAsync(HttpClient client, int maxViews, CancellationToken cancellationToken)
    {
        // Version byte 0x01, then a 12-byte IV and ciphertext with its tag.
        var payload = RandomNumberGenerator.GetBytes(61);
        payload[0] = 0x01;
        var ciphertext = Base64Url.EncodeToString(payload);
        var accessToken = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        using var response = await client.PostAsJsonAsync("/api/secrets", new { ciphertext, accessToken, maxViews }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return new Secret(body.GetProperty("id").GetString()!, ciphertext, accessToken);
    }

    /// <summary>
    /// Creates secrets until <paramref name="consecutive"/> succeed in a row, tolerating only 503s and refused
    /// connections in between (a database restarting); returns the last one.
    /// </summary>
    public static async Task<Secret> CreateWhenServingAsync(HttpClient client, int consecutive, CancellationToken cancellationToken)
    {
        var served = new List<Secret>();
        while (served.Count < consecutive)
        {
            try
            {
                if (await TryCreateAsync(client, maxViews: 1, cancellationToken) is { } secret)
                {
                    served.Add(secret);
                    continue;
                }
            }
            catch (HttpRequestException)
            {
            }

            served.Clear();
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        return served[^1];
    }

    public static Task<HttpResponseMessage> RevealAsync(HttpClient client, Secret secret, CancellationToken cancellationToken) =>
        client.PostAsJsonAsync($"/api/secrets/{Uri.EscapeDataString(secret.Id)}/reveal", new { accessToken = secret.AccessToken }, cancellationToken);
}
