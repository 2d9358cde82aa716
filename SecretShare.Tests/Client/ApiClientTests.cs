using System.Net;
using System.Text.Json;
using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>The HTTP client's wire format and error mapping, against <see cref="FakeSecretServer"/>.</summary>
public sealed class ApiClientTests
{
    private static readonly Uri Base = new("http://secrets.test/prefix");

    [Fact]
    public async Task MaxViews_is_omitted_null_or_a_number_as_asked()
    {
        var server = new FakeSecretServer();
        var client = new SecretShareClient(new HttpClient(server), Base);
        var token = Base64UrlStrict.Encode(new byte[32]);
        var ct = TestContext.Current.CancellationToken;

        await client.CreateAsync(new CreateSecretRequest("AQ", token), ct);
        await client.CreateAsync(new CreateSecretRequest("AQ", token, MaxViews: ViewLimit.Unlimited), ct);
        await client.CreateAsync(new CreateSecretRequest("AQ", token, 3600, 5, true, true), ct);

        var bodies = server.Requests.Select(r => JsonDocument.Parse(r.Body!).RootElement).ToArray();
        Assert.Equal("""{"ciphertext":"AQ","accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", server.Requests[0].Body);
        Assert.False(bodies[0].TryGetProperty("maxViews", out _));
        Assert.Equal(JsonValueKind.Null, bodies[1].GetProperty("maxViews").ValueKind);
        Assert.Equal(5, bodies[2].GetProperty("maxViews").GetInt32());
        Assert.Equal(3600, bodies[2].GetProperty("expiresInSeconds").GetInt32());
        Assert.True(bodies[2].GetProperty("extendable").GetBoolean());
        Assert.True(bodies[2].GetProperty("passphraseProtected").GetBoolean());
        Assert.All(server.Requests, r => Assert.Equal("/prefix/api/secrets", r.Path));
    }

    [Fact]
    public async Task Send_then_open_round_trips_and_burns_after_the_last_view()
    {
        var server = new FakeSecretServer();
        var sharing = new SecretSharing(new SecretShareClient(new HttpClient(server), Base));
        var ct = TestContext.Current.CancellationToken;

        var sent = await sharing.SendAsync("hunter2", new SendOptions { MaxViews = 2, Passphrase = "pw" }, ct);
        Assert.StartsWith("http://secrets.test/prefix/s/", sent.Link.ToString());
        Assert.Equal(2, sent.MaxViews);

        // The server sees neither the key, the passphrase nor the plaintext.
        Assert.DoesNotContain(sent.Link.KeyText, server.Requests[0].Body!);
        Assert.DoesNotContain("hunter2", server.Requests[0].Body!);

        var first = await sharing.RevealAsync(sent.Link, "pw", ct);
        Assert.Equal(("hunter2", 1, false), (first.Text, first.ViewsRemaining, first.Burned));
        Assert.Equal("hunter2", await sharing.OpenAsync(ShareLink.Parse(sent.Link.ToString()), "pw", ct));

        var gone = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.OpenAsync(sent.Link, "pw", ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Wrong_passphrase_maps_to_403_with_attempts_remaining()
    {
        var server = new FakeSecretServer();
        var sharing = new SecretSharing(new SecretShareClient(new HttpClient(server), Base));
        var ct = TestContext.Current.CancellationToken;
        var sent = await sharing.SendAsync("x", new SendOptions { Passphrase = "right" }, ct);

        var error = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.OpenAsync(sent.Link, "wrong", ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(4, error.AttemptsRemaining);
        Assert.Equal("Wrong access token", error.Title);
    }

    [Fact]
    public async Task Delete_sends_a_bearer_token()
    {
        var server = new FakeSecretServer();
        var sharing = new SecretSharing(new SecretShareClient(new HttpClient(server), Base));
        var ct = TestContext.Current.CancellationToken;
        var byAccess = await sharing.SendAsync("a", cancellationToken: ct);
        var byManage = await sharing.SendAsync("b", cancellationToken: ct);

        await sharing.DeleteAsync(byAccess.Link, null, ct);
        await sharing.DeleteWithManageTokenAsync(byManage.Link, byManage.ManageToken, ct);

        Assert.Equal(0, server.Count);
        Assert.Equal($"Bearer {byManage.ManageToken}", server.Requests[^1].Authorization);
    }

    [Fact]
    public async Task Rate_limit_carries_retry_after_and_validation_errors_are_kept()
    {
        var server = new FakeSecretServer
        {
            ForcedFailure = (HttpStatusCode.TooManyRequests, """{"title":"Too many requests","status":429}""", 42),
        };
        var client = new SecretShareClient(new HttpClient(server) { BaseAddress = Base });
        var ct = TestContext.Current.CancellationToken;

        var limited = await Assert.ThrowsAsync<SecretShareApiException>(() => client.GetMetadataAsync("AQIDBAUGBwgJCgsMDQ4PEA", ct));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(42), limited.RetryAfter);

        server.ForcedFailure = (HttpStatusCode.BadRequest,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"maxViews":["Must be between 1 and 100."]}}""", null);
        var invalid = await Assert.ThrowsAsync<SecretShareApiException>(
            () => client.CreateAsync(new CreateSecretRequest("AQ", "AQ", MaxViews: 500), ct));
        Assert.Equal(["Must be between 1 and 100."], invalid.Errors["maxViews"]);

        server.ForcedFailure = (HttpStatusCode.BadGateway, "<html>proxy</html>", null);
        var html = await Assert.ThrowsAsync<SecretShareApiException>(() => client.GetMetadataAsync("AQIDBAUGBwgJCgsMDQ4PEA", ct));
        Assert.Equal(HttpStatusCode.BadGateway, html.StatusCode);
    }
}
