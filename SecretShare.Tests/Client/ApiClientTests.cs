using System.Net;
using System.Text;
using System.Text.Json;
using SecretShare.Client;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Client;

/// <summary>
/// The client library (<see cref="SecretShareClient"/>, <see cref="SecretSharing"/>) against the real API on each backend:
/// wire format, round trips, error mapping. Requests go over real sockets through <see cref="RecordingHandler"/>, which
/// only keeps a copy of what was sent.
/// </summary>
public abstract class ApiClientTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MaxViews_is_omitted_null_or_a_number_as_asked()
    {
        using var recorder = new RecordingHandler();
        var client = new SecretShareClient(new HttpClient(recorder), Fixture.App.BaseAddress);
        var (ciphertext, token) = (ApiCalls.NewCiphertext(), ApiCalls.NewToken());

        var byDefault = await client.CreateAsync(new CreateSecretRequest(ciphertext, token), Ct);
        var unlimited = await client.CreateAsync(new CreateSecretRequest(ciphertext, token, MaxViews: ViewLimit.Unlimited), Ct);
        var chosen = await client.CreateAsync(new CreateSecretRequest(ciphertext, token, 3600, 5, true, true), Ct);

        var bodies = recorder.Requests.Select(r => JsonDocument.Parse(r.Body!).RootElement).ToArray();
        Assert.Equal($$"""{"ciphertext":"{{ciphertext}}","accessToken":"{{token}}"}""", recorder.Requests[0].Body);
        Assert.False(bodies[0].TryGetProperty("maxViews", out _));
        Assert.Equal(JsonValueKind.Null, bodies[1].GetProperty("maxViews").ValueKind);
        Assert.Equal(5, bodies[2].GetProperty("maxViews").GetInt32());
        Assert.Equal(3600, bodies[2].GetProperty("expiresInSeconds").GetInt32());
        Assert.True(bodies[2].GetProperty("extendable").GetBoolean());
        Assert.True(bodies[2].GetProperty("passphraseProtected").GetBoolean());
        Assert.All(recorder.Requests, r => Assert.Equal((HttpMethod.Post, "/api/secrets"), (r.Method, r.Path)));

        // What the server made of it.
        Assert.Equal((1, false, false), (byDefault.MaxViews, byDefault.Extendable, byDefault.PassphraseProtected));
        Assert.Null(unlimited.MaxViews);
        Assert.Equal((5, true, true), (chosen.MaxViews, chosen.Extendable, chosen.PassphraseProtected));
        Assert.InRange(chosen.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(3590), DateTimeOffset.UtcNow.AddSeconds(3610));
        var metadata = await client.GetMetadataAsync(unlimited.Id, Ct);
        Assert.Equal((unlimited.Id, (int?)null, (int?)null), (metadata.Id, metadata.MaxViews, metadata.ViewsRemaining));
    }

    [Fact]
    public async Task Send_then_open_with_a_passphrase_round_trips_and_burns_after_the_last_view()
    {
        using var recorder = new RecordingHandler();
        var sharing = new SecretSharing(new SecretShareClient(new HttpClient(recorder), Fixture.App.BaseAddress));

        var sent = await sharing.SendAsync("hunter2 \u00e4\u00f6", new SendOptions { MaxViews = 2, Passphrase = "pw tr\u00f6ll" }, Ct);
        Assert.StartsWith(Fixture.App.BaseAddress + "s/" + sent.Link.Id + "#", sent.Link.ToString());
        Assert.Equal(2, sent.MaxViews);
        Assert.True((await sharing.GetMetadataAsync(sent.Link, Ct)).PassphraseProtected);

        // Neither the wire nor the database sees the key, the passphrase or the plaintext.
        var created = recorder.Requests[0].Body!;
        Assert.DoesNotContain(sent.Link.KeyText, created);
        Assert.DoesNotContain("hunter2", created);
        Assert.DoesNotContain("pw tr", created);
        var stored = await Fixture.ReadStoredBytesAsync(sent.Link.Id);
        Assert.NotNull(stored);
        Assert.False(Contains(stored, sent.Link.Key), "The stored row contains the link key");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes(sent.Link.KeyText)), "The stored row contains the link key text");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes("hunter2")), "The stored row contains the plaintext");

        var first = await sharing.RevealAsync(sent.Link, "pw tr\u00f6ll", Ct);
        Assert.Equal(("hunter2 \u00e4\u00f6", 1, false), (first.Text, first.ViewsRemaining, first.Burned));

        // NFD input derives the same key as NFC (SPEC: UTF-8(NFC(P))).
        var last = await sharing.RevealAsync(ShareLink.Parse(sent.Link.ToString()), "pw tro\u0308ll", Ct);
        Assert.Equal(("hunter2 \u00e4\u00f6", 0, true), (last.Text, last.ViewsRemaining, last.Burned));
        Assert.False(await Fixture.IsStoredAsync(sent.Link.Id));

        var gone = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.OpenAsync(sent.Link, "pw tr\u00f6ll", Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Send_then_open_without_a_passphrase_round_trips()
    {
        var sharing = NewSharing();
        var text = "line 1\nline 2 \U0001F511\n";

        var sent = await sharing.SendAsync(text, cancellationToken: Ct);

        Assert.Null(sent.Passphrase);
        Assert.False((await sharing.GetMetadataAsync(sent.Link, Ct)).PassphraseProtected);
        var opened = await sharing.RevealAsync(sent.Link, cancellationToken: Ct);
        Assert.Equal((text, 0, true), (opened.Text, opened.ViewsRemaining, opened.Burned));
        Assert.Equal(HttpStatusCode.NotFound,
            (await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.GetMetadataAsync(sent.Link, Ct))).StatusCode);
    }

    [Fact]
    public async Task Wrong_passphrase_maps_to_403_with_attempts_remaining_and_a_right_one_still_opens()
    {
        var sharing = NewSharing();
        var sent = await sharing.SendAsync("x", new SendOptions { Passphrase = "right" }, Ct);

        var error = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.OpenAsync(sent.Link, "wrong", Ct));
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(4, error.AttemptsRemaining);
        Assert.False(string.IsNullOrEmpty(error.Title));

        var second = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.OpenAsync(sent.Link, null, Ct));
        Assert.Equal(3, second.AttemptsRemaining);

        Assert.Equal("x", await sharing.OpenAsync(sent.Link, "right", Ct));
    }

    [Fact]
    public async Task Delete_sends_the_access_token_or_the_manage_token_as_bearer()
    {
        using var recorder = new RecordingHandler();
        var sharing = new SecretSharing(new SecretShareClient(new HttpClient(recorder), Fixture.App.BaseAddress));
        var byAccess = await sharing.SendAsync("a", new SendOptions { Passphrase = "pw" }, Ct);
        var byManage = await sharing.SendAsync("b", cancellationToken: Ct);

        var wrongManage = await Assert.ThrowsAsync<SecretShareApiException>(
            () => sharing.DeleteWithManageTokenAsync(byManage.Link, ApiCalls.NewToken(), Ct));
        Assert.Equal((HttpStatusCode.Forbidden, (int?)null), (wrongManage.StatusCode, wrongManage.AttemptsRemaining));

        await sharing.DeleteAsync(byAccess.Link, "pw", Ct);
        await sharing.DeleteWithManageTokenAsync(byManage.Link, byManage.ManageToken, Ct);

        Assert.False(await Fixture.IsStoredAsync(byAccess.Link.Id));
        Assert.False(await Fixture.IsStoredAsync(byManage.Link.Id));
        Assert.Equal($"Bearer {byManage.ManageToken}", recorder.Requests[^1].Authorization);
        Assert.Equal((HttpMethod.Delete, $"/api/secrets/{byManage.Link.Id}"), (recorder.Requests[^1].Method, recorder.Requests[^1].Path));
        var deleteByAccess = recorder.Requests.Single(r => r.Method == HttpMethod.Delete && r.Path.EndsWith(byAccess.Link.Id, StringComparison.Ordinal));
        Assert.Equal($"Bearer {SecretProtocol.DeriveKeys(byAccess.Link.Key, "pw").AccessTokenText}", deleteByAccess.Authorization);

        var again = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.DeleteAsync(byAccess.Link, "pw", Ct));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Extend_adds_time_and_views_to_an_extendable_secret()
    {
        var sharing = NewSharing();
        var sent = await sharing.SendAsync(
            "x", new SendOptions { MaxViews = 2, ExpiresIn = TimeSpan.FromHours(1), Extendable = true, Passphrase = "pw" }, Ct);

        var extended = await sharing.ExtendAsync(sent.Link, "pw", TimeSpan.FromHours(2), 3, Ct);

        Assert.Equal((5, 5, true), (extended.MaxViews, extended.ViewsRemaining, extended.Extendable));
        Assert.InRange(extended.ExpiresAt - sent.ExpiresAt, TimeSpan.FromHours(2) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(2) + TimeSpan.FromSeconds(2));
        var metadata = await sharing.GetMetadataAsync(sent.Link, Ct);
        Assert.Equal((extended.ExpiresAt, 5, 5), (metadata.ExpiresAt, metadata.MaxViews, metadata.ViewsRemaining));

        var wrong = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.ExtendAsync(sent.Link, "nope", addViews: 1, cancellationToken: Ct));
        Assert.Equal((HttpStatusCode.Forbidden, 4), (wrong.StatusCode, wrong.AttemptsRemaining));

        var fixedSecret = await sharing.SendAsync("y", cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<SecretShareApiException>(
            () => sharing.ExtendAsync(fixedSecret.Link, null, TimeSpan.FromHours(1), cancellationToken: Ct));
        Assert.Equal((HttpStatusCode.Forbidden, true), (refused.StatusCode, refused.IsNotExtendable));

        var unlimited = await sharing.SendAsync("z", new SendOptions { MaxViews = ViewLimit.Unlimited, Extendable = true }, Ct);
        var noViews = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.ExtendAsync(unlimited.Link, null, addViews: 1, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, noViews.StatusCode);
        Assert.True(noViews.Errors.ContainsKey("addViews"));
    }

    [Fact]
    public async Task Validation_errors_are_kept_field_by_field()
    {
        var client = new SecretShareClient(Fixture.Client);

        var invalid = await Assert.ThrowsAsync<SecretShareApiException>(
            () => client.CreateAsync(new CreateSecretRequest(ApiCalls.NewCiphertext(), ApiCalls.NewToken(), MaxViews: 500), Ct));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("1 to 100", Assert.Single(invalid.Errors["maxViews"]));
    }

    [Fact]
    public async Task Rate_limit_carries_retry_after()
    {
        await using var limited = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:CreatePermitLimit"] = "1",
        });
        using var http = limited.CreateHttpClient();
        var sharing = new SecretSharing(new SecretShareClient(http));

        await sharing.SendAsync("first", cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.SendAsync("second", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task Unknown_ids_are_404_and_a_closed_port_is_a_transport_error()
    {
        var client = new SecretShareClient(Fixture.Client);
        var unknown = await Assert.ThrowsAsync<SecretShareApiException>(() => client.GetMetadataAsync(ApiCalls.NewId(), Ct));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.False(string.IsNullOrEmpty(unknown.Title));

        using var http = new HttpClient();
        var closed = new SecretShareClient(http, new Uri($"http://127.0.0.1:{ExternalProcess.FreePort()}/"));
        await Assert.ThrowsAsync<HttpRequestException>(() => closed.GetMetadataAsync(ApiCalls.NewId(), Ct));
    }

    private SecretSharing NewSharing() => new(new SecretShareClient(Fixture.Client));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

[Trait("Backend", "Postgres")]
public sealed class PostgresApiClientTests(PostgresFixture fixture) : ApiClientTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbApiClientTests(DynamoDbFixture fixture) : ApiClientTests<DynamoDbFixture>(fixture);

/// <summary>
/// A real socket transport that keeps a copy of every request (method, path, body, Authorization), so tests can check
/// what went over the wire. It changes nothing.
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (requests)
        {
            requests.Add(new RecordedRequest(request.Method, request.RequestUri!.AbsolutePath, body, request.Headers.Authorization?.ToString()));
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

public sealed record RecordedRequest(HttpMethod Method, string Path, string? Body, string? Authorization);
