using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretShare.Tests.Infrastructure;

/// <summary>A secret created by a test: what the server answered, and the token only the creator knows.</summary>
public sealed record CreatedSecret(string Id, string AccessToken, string ManageToken, string Ciphertext, JsonObject Body);

/// <summary>Raw HTTP calls, so the tests check the wire format itself rather than a client library's reading of it.</summary>
public static class ApiCalls
{
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A well-formed protocol v1 payload (version byte, IV, ciphertext and tag) of random bytes.</summary>
    public static string NewCiphertext(int bytes = 64)
    {
        var payload = RandomNumberGenerator.GetBytes(bytes);
        payload[0] = 0x01;
        return Base64Url.EncodeToString(payload);
    }

    public static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static async Task<CreatedSecret> CreateAsync(this HttpClient client, JsonObject? fields = null)
    {
        var body = new JsonObject { ["ciphertext"] = NewCiphertext(), ["accessToken"] = NewToken() };
        foreach (var (key, value) in fields ?? [])
        {
            body[key] = value?.DeepClone();
        }

        using var response = await client.PostAsJsonAsync("api/secrets", body);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {json}");
        return new CreatedSecret(
            json!["id"]!.GetValue<string>(), body["accessToken"]!.GetValue<string>(), json["manageToken"]!.GetValue<string>(),
            body["ciphertext"]!.GetValue<string>(), json);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> RevealAsync(this HttpClient client, string id, string accessToken) =>
        client.PostAsJsonAsync($"api/secrets/{id}/reveal", new { accessToken });

    public static Task<HttpResponseMessage> ExtendAsync(this HttpClient client, string id, string accessToken, int? addSeconds = null, int? addViews = null) =>
        client.PostAsJsonAsync($"api/secrets/{id}/extend", new { accessToken, addSeconds, addViews });

    public static Task<HttpResponseMessage> DeleteAsync(this HttpClient client, string id, string? bearerToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"api/secrets/{id}");
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client.SendAsync(request);
    }

    /// <summary>Asserts the status and that the body is problem+json; returns the problem.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }

    public static async Task<JsonObject> AssertOkAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
