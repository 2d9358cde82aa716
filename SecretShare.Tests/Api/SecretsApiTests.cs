using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// The HTTP contract of SPEC sections 2 and 3, run unchanged against every backend (see <c>Backends.cs</c>).
/// </summary>
public abstract class SecretsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    protected HttpClient Client => Fixture.Client;

    [Fact]
    public async Task Create_answers_201_with_location_defaults_and_a_manage_token()
    {
        var before = DateTimeOffset.UtcNow;
        using var response = await Client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() });
        var body = await response.AssertOkAsync(HttpStatusCode.Created);

        var id = body["id"]!.GetValue<string>();
        Assert.Matches("^[A-Za-z0-9_-]{22}$", id);
        Assert.Equal($"/api/secrets/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, body["maxViews"]!.GetValue<int>());
        Assert.False(body["extendable"]!.GetValue<bool>());
        Assert.False(body["passphraseProtected"]!.GetValue<bool>());
        Assert.Equal(32, Convert.FromBase64String(Base64(body["manageToken"]!.GetValue<string>())).Length);
        var expiresAt = body["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(expiresAt, before.AddSeconds(86_400 - 2), DateTimeOffset.UtcNow.AddSeconds(86_400 + 1));
    }

    [Fact]
    public async Task Create_keeps_the_chosen_options()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 7, ["expiresInSeconds"] = 3600, ["extendable"] = true, ["passphraseProtected"] = true });

        var metadata = await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Equal(secret.Id, metadata["id"]!.GetValue<string>());
        Assert.Equal(7, metadata["maxViews"]!.GetValue<int>());
        Assert.Equal(7, metadata["viewsRemaining"]!.GetValue<int>());
        Assert.True(metadata["extendable"]!.GetValue<bool>());
        Assert.True(metadata["passphraseProtected"]!.GetValue<bool>());
        Assert.Equal(secret.Body["expiresAt"]!.GetValue<DateTimeOffset>(), metadata["expiresAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Null_max_views_means_unlimited_until_expiry()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = null });
        Assert.Null(secret.Body["maxViews"]);

        for (var i = 0; i < 5; i++)
        {
            var revealed = await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
            Assert.Null(revealed["viewsRemaining"]);
            Assert.False(revealed["burned"]!.GetValue<bool>());
        }

        var metadata = await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Null(metadata["maxViews"]);
        Assert.Null(metadata["viewsRemaining"]);
    }

    public static TheoryData<string, string> InvalidCreateBodies => new()
    {
        { """{"accessToken":"TOKEN"}""", "ciphertext" },
        { """{"ciphertext":"not base64!","accessToken":"TOKEN"}""", "ciphertext" },
        { """{"ciphertext":"CIPHERTEXT=","accessToken":"TOKEN"}""", "ciphertext" },
        { """{"ciphertext":"AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","accessToken":"TOKEN"}""", "ciphertext" },
        { """{"ciphertext":"AQID","accessToken":"TOKEN"}""", "ciphertext" },
        // Non-zero unused trailing bits: the canonical text of these bytes ends in 'A'; both clients refuse this one too.
        { """{"ciphertext":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB","accessToken":"TOKEN"}""", "ciphertext" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"}""", "accessToken" },
        { """{"ciphertext":"CIPHERTEXT"}""", "accessToken" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "accessToken" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""", "accessToken" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","expiresInSeconds":0}""", "expiresInSeconds" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","expiresInSeconds":2592001}""", "expiresInSeconds" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","expiresInSeconds":"60"}""", "expiresInSeconds" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","expiresInSeconds":60.5}""", "expiresInSeconds" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","maxViews":0}""", "maxViews" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","maxViews":101}""", "maxViews" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","maxViews":"3"}""", "maxViews" },
        { """{"ciphertext":"CIPHERTEXT","accessToken":"TOKEN","extendable":"yes"}""", "extendable" },
        { """{"ciphertext":123,"accessToken":"TOKEN"}""", "ciphertext" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreateBodies))]
    public async Task Create_rejects_an_invalid_field_with_a_field_error(string template, string field)
    {
        var json = template.Replace("CIPHERTEXT", ApiCalls.NewCiphertext(), StringComparison.Ordinal)
            .Replace("TOKEN", ApiCalls.NewToken(), StringComparison.Ordinal);

        var problem = await (await Client.PostJsonAsync("api/secrets", json)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotNull(problem["errors"]?[field]);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"ciphertext":"x","ciphertext":"y"}""")]
    public async Task Create_rejects_a_malformed_body_with_400(string json)
    {
        await (await Client.PostJsonAsync("api/secrets", json)).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Create_rejects_a_wrong_content_type_with_415()
    {
        var json = $$"""{"ciphertext":"{{ApiCalls.NewCiphertext()}}","accessToken":"{{ApiCalls.NewToken()}}"}""";
        using var response = await Client.PostAsync("api/secrets", new StringContent(json, System.Text.Encoding.UTF8, "text/plain"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Create_accepts_the_largest_payload_and_refuses_one_byte_more_with_413()
    {
        var largest = await Client.CreateAsync(new() { ["ciphertext"] = ApiCalls.NewCiphertext(262_144) });
        var revealed = await (await Client.RevealAsync(largest.Id, largest.AccessToken)).AssertOkAsync();
        Assert.Equal(largest.Ciphertext, revealed["ciphertext"]!.GetValue<string>());

        using var tooLarge = await Client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(262_145), accessToken = ApiCalls.NewToken() });
        await tooLarge.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Create_refuses_an_oversize_body_before_reading_it()
    {
        var body = new string('a', 2_000_000);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/secrets")
        {
            Content = new StringContent($$"""{"ciphertext":"{{body}}"}""", System.Text.Encoding.UTF8, "application/json"),
        };

        // With 100-continue the server can refuse on the declared length alone, before a byte of the body is sent.
        request.Headers.ExpectContinue = true;
        using var response = await Client.SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Metadata_never_consumes_a_view()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 1 });

        for (var i = 0; i < 5; i++)
        {
            var metadata = await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
            Assert.Equal(1, metadata["viewsRemaining"]!.GetValue<int>());
        }

        var revealed = await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
    }

    public static TheoryData<string> MalformedIds => new()
    {
        "abc",
        "AAAAAAAAAAAAAAAAAAAAAAA",
        "AAAAAAAAAAAAAAAAAAAAA!",
        "AAAAAAAAAAAAAAAAAAAAAB",
        "AAAAAAAAAAAAAAAAAAAAAA%3D%3D",
        new string('A', 300),
    };

    [Theory]
    [MemberData(nameof(MalformedIds))]
    public Task A_malformed_id_is_404_on_every_call(string id) => AssertEveryCallIsNotFoundAsync(id, ApiCalls.NewToken());

    [Fact]
    public Task An_unknown_id_is_404_on_every_call() => AssertEveryCallIsNotFoundAsync(ApiCalls.NewId(), ApiCalls.NewToken());

    [Fact]
    public async Task A_one_view_secret_burns_on_reveal_and_its_row_is_gone()
    {
        var secret = await Client.CreateAsync();
        Assert.True(await Fixture.IsStoredAsync(secret.Id));

        var revealed = await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
        Assert.Equal(0, revealed["viewsRemaining"]!.GetValue<int>());
        Assert.True(revealed["burned"]!.GetValue<bool>());

        Assert.False(await Fixture.IsStoredAsync(secret.Id));
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Views_count_down_and_the_last_one_burns()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 3 });

        foreach (var expectedRemaining in new[] { 2, 1, 0 })
        {
            var revealed = await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
            Assert.Equal(expectedRemaining, revealed["viewsRemaining"]!.GetValue<int>());
            Assert.Equal(expectedRemaining == 0, revealed["burned"]!.GetValue<bool>());
        }

        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_token_counts_an_attempt_and_a_successful_reveal_does_not_reset_the_count()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 5, ["passphraseProtected"] = true });

        foreach (var expected in new[] { 4, 3 })
        {
            var problem = await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal(expected, problem["attemptsRemaining"]!.GetValue<int>());
        }

        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();

        var afterReveal = await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(2, afterReveal["attemptsRemaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_last_allowed_wrong_token_deletes_the_secret()
    {
        var secret = await Client.CreateAsync(new() { ["passphraseProtected"] = true });

        foreach (var expected in new[] { 4, 3, 2, 1, 0 })
        {
            var problem = await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
            Assert.Equal(expected, problem["attemptsRemaining"]!.GetValue<int>());
        }

        Assert.False(await Fixture.IsStoredAsync(secret.Id));
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"accessToken":"short"}""")]
    [InlineData("""{"accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}""")]
    [InlineData("""{"accessToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"}""")]
    [InlineData("""{"accessToken":42}""")]
    public async Task Reveal_rejects_a_malformed_token_without_counting_an_attempt(string json)
    {
        var secret = await Client.CreateAsync(new() { ["passphraseProtected"] = true });

        var problem = await (await Client.PostJsonAsync($"api/secrets/{secret.Id}/reveal", json)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?["accessToken"]);

        var wrong = await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, wrong["attemptsRemaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_secret_vanishes_at_its_expiry_without_waiting_for_cleanup()
    {
        var secret = await Client.CreateAsync(new() { ["expiresInSeconds"] = 4, ["maxViews"] = 5 });
        var expiresAt = secret.Body["expiresAt"]!.GetValue<DateTimeOffset>();
        await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();

        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, TestContext.Current.CancellationToken);

        await AssertEveryCallIsNotFoundAsync(secret.Id, secret.AccessToken);
    }

    [Fact]
    public async Task Extend_adds_time_and_views_to_an_extendable_secret()
    {
        var secret = await Client.CreateAsync(new() { ["extendable"] = true, ["maxViews"] = 2, ["expiresInSeconds"] = 3600 });
        var expiresAt = secret.Body["expiresAt"]!.GetValue<DateTimeOffset>();

        var extended = await (await Client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 600, addViews: 3)).AssertOkAsync();

        Assert.Equal(expiresAt.AddSeconds(600), extended["expiresAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(5, extended["maxViews"]!.GetValue<int>());
        Assert.Equal(5, extended["viewsRemaining"]!.GetValue<int>());
        var metadata = await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Equal(extended.ToJsonString(), metadata.ToJsonString());
    }

    [Fact]
    public async Task Extend_caps_the_expiry_at_the_maximum_lifetime_from_now()
    {
        var secret = await Client.CreateAsync(new() { ["extendable"] = true, ["expiresInSeconds"] = 2_000_000 });

        var extended = await (await Client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 2_592_000)).AssertOkAsync();

        var cap = DateTimeOffset.UtcNow.AddSeconds(2_592_000);
        Assert.InRange(extended["expiresAt"]!.GetValue<DateTimeOffset>(), cap.AddSeconds(-5), cap.AddSeconds(1));
    }

    [Fact]
    public async Task Extend_refuses_views_above_the_bound_or_on_an_unlimited_secret()
    {
        var limited = await Client.CreateAsync(new() { ["extendable"] = true, ["maxViews"] = 99 });
        var aboveBound = await (await Client.ExtendAsync(limited.Id, limited.AccessToken, addViews: 2)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(aboveBound["errors"]?["addViews"]);
        var atBound = await (await Client.ExtendAsync(limited.Id, limited.AccessToken, addViews: 1)).AssertOkAsync();
        Assert.Equal(100, atBound["maxViews"]!.GetValue<int>());

        var unlimited = await Client.CreateAsync(new() { ["extendable"] = true, ["maxViews"] = null });
        await (await Client.ExtendAsync(unlimited.Id, unlimited.AccessToken, addViews: 1)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await Client.ExtendAsync(unlimited.Id, unlimited.AccessToken, addSeconds: 60)).AssertOkAsync();
    }

    [Fact]
    public async Task Extend_is_forbidden_on_a_secret_that_is_not_extendable()
    {
        var secret = await Client.CreateAsync(new() { ["extendable"] = false });

        var problem = await (await Client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 60)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Null(problem["attemptsRemaining"]);
        Assert.Equal("not_extendable", problem["code"]!.GetValue<string>());
        var metadata = await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Equal(secret.Body["expiresAt"]!.ToJsonString(), metadata["expiresAt"]!.ToJsonString());
    }

    [Theory]
    [InlineData(null, null, "addSeconds")]
    [InlineData(0, null, "addSeconds")]
    [InlineData(2_592_001, null, "addSeconds")]
    [InlineData(null, 0, "addViews")]
    [InlineData(null, 101, "addViews")]
    public async Task Extend_validates_its_fields(int? addSeconds, int? addViews, string field)
    {
        var secret = await Client.CreateAsync(new() { ["extendable"] = true });

        var problem = await (await Client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds, addViews)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task Extend_with_a_wrong_token_counts_an_attempt()
    {
        var secret = await Client.CreateAsync(new() { ["extendable"] = true, ["passphraseProtected"] = true });

        var problem = await (await Client.ExtendAsync(secret.Id, ApiCalls.NewToken(), addSeconds: 60)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, problem["attemptsRemaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_creator_deletes_with_the_manage_token()
    {
        var secret = await Client.CreateAsync();

        using var response = await Client.DeleteAsync(secret.Id, secret.ManageToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.False(await Fixture.IsStoredAsync(secret.Id));
        await (await Client.DeleteAsync(secret.Id, secret.ManageToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_recipient_deletes_with_the_access_token()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 3 });

        using var response = await Client.DeleteAsync(secret.Id, secret.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(await Fixture.IsStoredAsync(secret.Id));
    }

    [Fact]
    public async Task Delete_with_a_wrong_token_is_403_and_counts_an_attempt()
    {
        var secret = await Client.CreateAsync(new() { ["passphraseProtected"] = true });

        var problem = await (await Client.DeleteAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, problem["attemptsRemaining"]!.GetValue<int>());
        Assert.True(await Fixture.IsStoredAsync(secret.Id));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Basic dXNlcjpwYXNz", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer not-a-token", HttpStatusCode.BadRequest)]
    public async Task Delete_without_bearer_credentials_is_401_with_a_challenge_and_with_malformed_ones_400(string? authorization, HttpStatusCode expected)
    {
        var secret = await Client.CreateAsync(new() { ["passphraseProtected"] = true });
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/secrets/{secret.Id}");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await Client.SendAsync(request);
        await response.AssertProblemAsync(expected);
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? ["Bearer"] : [], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.True(await Fixture.IsStoredAsync(secret.Id));

        // Nothing was counted.
        var wrong = await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(4, wrong["attemptsRemaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_secret_without_a_passphrase_survives_a_hundred_wrong_tokens_on_every_call()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 2, ["extendable"] = true });

        for (var i = 0; i < 34; i++)
        {
            foreach (var call in new Func<Task<HttpResponseMessage>>[]
            {
                () => Client.RevealAsync(secret.Id, ApiCalls.NewToken()),
                () => Client.ExtendAsync(secret.Id, ApiCalls.NewToken(), addSeconds: 60),
                () => Client.DeleteAsync(secret.Id, ApiCalls.NewToken()),
            })
            {
                var problem = await (await call()).AssertProblemAsync(HttpStatusCode.Forbidden);
                Assert.Null(problem["attemptsRemaining"]);
            }
        }

        Assert.True(await Fixture.IsStoredAsync(secret.Id));
        var revealed = await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
    }

    [Fact]
    public async Task Extend_never_moves_the_expiry_past_the_maximum_lifetime_from_creation()
    {
        await using var app = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:Limits:DefaultExpiresInSeconds"] = "600",
            ["SecretShare:Limits:MaxExpiresInSeconds"] = "3600",
            ["SecretShare:Limits:MaxLifetimeSeconds"] = "3600",
        });
        using var client = app.CreateHttpClient();
        var secret = await client.CreateAsync(new() { ["extendable"] = true, ["expiresInSeconds"] = 1800 });
        var createdAt = secret.Body["expiresAt"]!.GetValue<DateTimeOffset>().AddSeconds(-1800);

        var first = await (await client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 600)).AssertOkAsync();
        Assert.Equal(createdAt.AddSeconds(2400), first["expiresAt"]!.GetValue<DateTimeOffset>());

        // Later, now + the maximum expiry lies past creation + the maximum lifetime: the lifetime wins.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var capped = await (await client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 3600)).AssertOkAsync();
        Assert.Equal(createdAt.AddSeconds(3600), capped["expiresAt"]!.GetValue<DateTimeOffset>());

        var atLimit = await (await client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 60)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(atLimit["errors"]?["addSeconds"]);
        var metadata = await (await client.GetAsync($"api/secrets/{secret.Id}")).AssertOkAsync();
        Assert.Equal(createdAt.AddSeconds(3600), metadata["expiresAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task The_server_stores_the_ciphertext_and_token_hashes_but_never_the_tokens()
    {
        var secret = await Client.CreateAsync();

        var stored = await Fixture.ReadStoredBytesAsync(secret.Id);

        Assert.NotNull(stored);
        var accessToken = Convert.FromBase64String(Base64(secret.AccessToken));
        var manageToken = Convert.FromBase64String(Base64(secret.ManageToken));
        Assert.True(Contains(stored, Convert.FromBase64String(Base64(secret.Ciphertext))));
        Assert.True(Contains(stored, System.Security.Cryptography.SHA256.HashData(accessToken)));
        Assert.False(Contains(stored, accessToken));
        Assert.False(Contains(stored, manageToken));
        Assert.False(Contains(stored, System.Text.Encoding.UTF8.GetBytes(secret.AccessToken)));
        Assert.False(Contains(stored, System.Text.Encoding.UTF8.GetBytes(secret.ManageToken)));
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("POST", "/api/secrets")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/health")]
    [InlineData("GET", "/no/such/page")]
    public async Task Every_response_carries_no_store_and_the_security_headers(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Client.SendAsync(request);

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        var csp = Header(response, "Content-Security-Policy");
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("base-uri 'none'", csp);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await (await Client.GetAsync("api/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Health_and_liveness_answer_while_the_database_is_up()
    {
        using var health = await Client.GetAsync("health");
        using var alive = await Client.GetAsync("alive");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_call()
    {
        var document = await (await Client.GetAsync("openapi/v1.json")).AssertOkAsync();

        var paths = document["paths"]!.AsObject();
        Assert.NotNull(paths["/api/secrets"]?["post"]);
        Assert.NotNull(paths["/api/secrets/{id}"]?["get"]);
        Assert.NotNull(paths["/api/secrets/{id}"]?["delete"]);
        Assert.NotNull(paths["/api/secrets/{id}/reveal"]?["post"]);
        Assert.NotNull(paths["/api/secrets/{id}/extend"]?["post"]);
        Assert.NotNull(paths["/api/limits"]?["get"]);
    }

    [Fact]
    public async Task Limits_report_the_configured_payload_limit()
    {
        var defaults = await (await Client.GetAsync("api/limits")).AssertOkAsync();
        Assert.Equal(262_144, defaults["maxPayloadBytes"]!.GetValue<int>());

        await using var small = Fixture.CreateApp(new Dictionary<string, string?> { ["SecretShare:Limits:MaxPayloadBytes"] = "1000" });
        using var client = small.CreateHttpClient();
        var configured = await (await client.GetAsync("api/limits")).AssertOkAsync();
        Assert.Equal(1000, configured["maxPayloadBytes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rate_limits_answer_429_with_retry_after_per_client_address()
    {
        await using var limited = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:CreatePermitLimit"] = "3",
            ["SecretShare:RateLimiting:TokenPermitLimit"] = "2",
            ["SecretShare:RateLimiting:WindowSeconds"] = "60",
        });
        using var client = limited.CreateHttpClient();

        var created = new List<CreatedSecret>();
        for (var i = 0; i < 3; i++)
        {
            created.Add(await client.CreateAsync());
        }

        using var refused = await client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() });
        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        await (await client.RevealAsync(created[0].Id, created[0].AccessToken)).AssertOkAsync();
        await (await client.RevealAsync(created[1].Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var tokenRefused = await client.RevealAsync(created[1].Id, created[1].AccessToken);
        await tokenRefused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(tokenRefused.Headers.RetryAfter);

        // Metadata reads are not token checks and stay available.
        await (await client.GetAsync($"api/secrets/{created[1].Id}")).AssertOkAsync();
    }

    /// <summary>Unknown, malformed and expired look the same on every call: a 404 problem.</summary>
    private async Task AssertEveryCallIsNotFoundAsync(string id, string token)
    {
        await (await Client.GetAsync($"api/secrets/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.RevealAsync(id, token)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.ExtendAsync(id, token, addSeconds: 60)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Client.DeleteAsync(id, token)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) :
        response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues) : "";

    private static string Base64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
