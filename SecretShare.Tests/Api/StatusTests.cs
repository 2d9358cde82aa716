using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>
/// The audit trail and the creator's receipts (<c>GET /api/secrets/{id}/status</c>): every state change is one event,
/// the events form a hash chain that a change in the database breaks, and the trail outlives the secret until its
/// retention ends. Run unchanged against every backend.
/// </summary>
public abstract class StatusTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    // Five times the views, across two API processes: the losers of a busy secret retry under a fresh deadline per
    // attempt, so a long queue on one secret is slower, never a 503.
    private const int Racers = 50;

    protected TFixture Fixture { get; } = fixture;

    private HttpClient Client => Fixture.Client;

    [Fact]
    public async Task Every_state_change_is_one_event_and_the_receipt_outlives_the_burned_secret()
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 2, ["extendable"] = true, ["expiresInSeconds"] = 3600, ["passphraseProtected"] = true });

        await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Client.ExtendAsync(secret.Id, secret.AccessToken, addViews: 1)).AssertOkAsync();
        var active = await ReceiptAsync(secret);
        Assert.Equal("active", active["status"]!.GetValue<string>());
        Assert.Equal(2, active["viewsRemaining"]!.GetValue<int>());

        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Client.GetAsync($"api/secrets/{secret.Id}")).AssertProblemAsync(HttpStatusCode.NotFound);

        var receipt = await ReceiptAsync(secret);
        Assert.Equal("burned", receipt["status"]!.GetValue<string>());
        Assert.Null(receipt["viewsRemaining"]);
        Assert.Equal(
            ["created:2:", "failed_attempt:2:", "viewed:1:", "extended:2:", "viewed:1:", "viewed:0:", "burned:0:last_view"],
            Events(receipt).Select(e => $"{e["type"]}:{e["viewsRemaining"]}:{e["detail"]}"));
        Assert.Equal(Enumerable.Range(1, 7), Events(receipt).Select(e => e["seq"]!.GetValue<int>()));
        AssertVerified(receipt, length: 7);
        Assert.All(Events(receipt), e => Assert.InRange(
            e["occurredAt"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow.AddSeconds(1)));
    }

    [Theory]
    [InlineData(true, "creator")]
    [InlineData(false, "recipient")]
    public async Task A_deletion_records_who_deleted(bool byCreator, string actor)
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 3 });

        (await Client.DeleteAsync(secret.Id, byCreator ? secret.ManageToken : secret.AccessToken)).EnsureSuccessStatusCode();

        var receipt = await ReceiptAsync(secret);
        Assert.Equal("deleted", receipt["status"]!.GetValue<string>());
        Assert.Equal(["created", "deleted"], Events(receipt).Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(actor, Events(receipt)[^1]["detail"]!.GetValue<string>());
        AssertVerified(receipt, length: 2);
    }

    [Fact]
    public async Task Running_out_of_attempts_records_each_attempt_and_the_burn()
    {
        var secret = await Client.CreateAsync(new() { ["passphraseProtected"] = true });

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await (await Client.RevealAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        var receipt = await ReceiptAsync(secret);
        Assert.Equal("burned", receipt["status"]!.GetValue<string>());
        Assert.Equal(
            ["created", .. Enumerable.Repeat("failed_attempt", 5), "burned"],
            Events(receipt).Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal("failed_attempts", Events(receipt)[^1]["detail"]!.GetValue<string>());
        AssertVerified(receipt, length: 7);
    }

    [Fact]
    public async Task An_expiry_nobody_recorded_is_recorded_when_the_receipt_is_read()
    {
        var secret = await Client.CreateAsync(new() { ["expiresInSeconds"] = 1 });
        var expiresAt = secret.Body["expiresAt"]!.GetValue<DateTimeOffset>();
        // A busy machine may answer the creation after more than that already passed.
        var untilExpired = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.1);
        await Task.Delay(untilExpired > TimeSpan.Zero ? untilExpired : TimeSpan.Zero, TestContext.Current.CancellationToken);

        var receipt = await ReceiptAsync(secret);
        var again = await ReceiptAsync(secret);

        Assert.Equal("expired", receipt["status"]!.GetValue<string>());
        Assert.Equal(["created", "expired"], Events(receipt).Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(expiresAt, Events(receipt)[^1]["occurredAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("receipt", Events(receipt)[^1]["detail"]!.GetValue<string>());
        AssertVerified(receipt, length: 2);
        // The same trail; each read is signed anew, at its own time.
        foreach (var read in new[] { receipt, again })
        {
            read.Remove("signature");
            read.Remove("issuedAt");
        }

        Assert.Equal(receipt.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public async Task A_wrong_or_missing_token_learns_nothing_and_burns_nothing()
    {
        var secret = await Client.CreateAsync();

        for (var i = 0; i < 6; i++)
        {
            await (await GetStatusAsync(secret.Id, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.NotFound);
        }

        await (await GetStatusAsync(secret.Id, secret.AccessToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await GetStatusAsync(ApiCalls.NewId(), secret.ManageToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await GetStatusAsync("not-an-id", secret.ManageToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        using (var missing = await GetStatusAsync(secret.Id, null))
        {
            await missing.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", Assert.Single(missing.Headers.WwwAuthenticate).Scheme);
        }

        await (await GetStatusAsync(secret.Id, "short")).AssertProblemAsync(HttpStatusCode.BadRequest);

        var receipt = await ReceiptAsync(secret);
        Assert.Equal(["created"], Events(receipt).Select(e => e["type"]!.GetValue<string>()));
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
    }

    [Fact]
    public async Task Racing_reveals_record_exactly_one_view_event_each_in_an_unbroken_chain()
    {
        const int MaxViews = 10;
        var secret = await Client.CreateAsync(new() { ["maxViews"] = MaxViews });

        // Two API instances on one database, as behind a load balancer: the database, not one process, must serialise.
        await using var secondApp = Fixture.CreateApp();
        using var secondClient = secondApp.CreateHttpClient();
        // Warm, as an instance behind a load balancer is: its first calls to the database must not eat the race's deadline.
        using (var ready = await secondClient.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, Racers).Select(async racer =>
        {
            await start.WaitAsync();
            using var response = await (racer % 2 == 0 ? Client : secondClient).RevealAsync(secret.Id, secret.AccessToken);
            return response.StatusCode;
        }).ToList();
        start.Release(Racers);
        var statuses = await Task.WhenAll(racers);

        // Compared as a whole, so that a failure shows every status that came back.
        Assert.Equal(
            new Dictionary<HttpStatusCode, int> { [HttpStatusCode.OK] = MaxViews, [HttpStatusCode.NotFound] = Racers - MaxViews },
            statuses.CountBy(s => s).ToDictionary());
        var receipt = await ReceiptAsync(secret);
        var events = Events(receipt);
        Assert.Equal(Enumerable.Range(1, MaxViews + 2), events.Select(e => e["seq"]!.GetValue<int>()));
        Assert.Equal(MaxViews, events.Count(e => e["type"]!.GetValue<string>() == "viewed"));
        Assert.Equal(
            Enumerable.Range(0, MaxViews).Reverse(),
            events.Where(e => e["type"]!.GetValue<string>() == "viewed").Select(e => e["viewsRemaining"]!.GetValue<int>()));
        Assert.Equal("burned", events[^1]["type"]!.GetValue<string>());
        AssertVerified(receipt, length: MaxViews + 2);
    }

    [Fact]
    public async Task A_trail_holds_at_most_a_hundred_events_folds_the_rest_and_pages()
    {
        const int Views = 105;
        var secret = await Client.CreateAsync(new() { ["maxViews"] = null });
        for (var i = 0; i < Views; i++)
        {
            await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        }

        // 'created', then 97 views one by one; the last two places stay free, the 8 views beyond are counted.
        var open = await ReceiptAsync(secret);
        Assert.Equal(98, open["chain"]!["length"]!.GetValue<int>());
        Assert.Equal(8, open["folded"]!["viewed"]!.GetValue<int>());
        Assert.Null(open["next"]);
        AssertVerified(open, length: 98);

        using (var deleted = await Client.DeleteAsync(secret.Id, secret.ManageToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var closed = await ReceiptAsync(secret);
        var events = Events(closed);
        Assert.Equal(100, events.Count);
        Assert.Equal(("folded", "viewed:8"), (events[98]["type"]!.GetValue<string>(), events[98]["detail"]!.GetValue<string>()));
        Assert.Equal("deleted", events[99]["type"]!.GetValue<string>());
        Assert.Null(closed["folded"]);
        AssertVerified(closed, length: 100);

        // Pages of 40: the same events in the same order, and the verdict of the whole chain on every page.
        var paged = new List<JsonNode>();
        int? after = 0;
        var pages = 0;
        while (after is { } from)
        {
            var page = await (await GetStatusAsync(secret.Id, secret.ManageToken, $"?after={from}&limit=40")).AssertOkAsync();
            AssertVerified(page, length: 100);
            paged.AddRange(Events(page));
            after = page["next"]?.GetValue<int>();
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(events.Select(e => e.ToJsonString()), paged.Select(e => e.ToJsonString()));
        var badPage = await (await GetStatusAsync(secret.Id, secret.ManageToken, "?limit=101")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(badPage["errors"]?["limit"]);
    }

    public static TheoryData<string> Tamperings => ["changed", "reordered", "removed", "truncated"];

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task A_chain_changed_in_the_database_no_longer_verifies(string tampering)
    {
        var secret = await Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        AssertVerified(await ReceiptAsync(secret), length: 3);

        await (tampering switch
        {
            "changed" => Fixture.SetEventTypeAsync(secret.Id, 2, "extended"),
            "reordered" => Fixture.SwapEventsAsync(secret.Id, 2, 3),
            "removed" => Fixture.DeleteEventAsync(secret.Id, 2),
            _ => Fixture.DeleteEventAsync(secret.Id, 3),
        });

        var chain = (await ReceiptAsync(secret))["chain"]!;
        Assert.False(chain["verified"]!.GetValue<bool>());
        Assert.Contains(tampering == "truncated" ? "ends at event 2" : "Event 2", chain["problem"]!.GetValue<string>());
    }

    [Fact]
    public async Task Events_vanish_once_the_retention_after_the_end_of_the_secret_is_over()
    {
        await using var shortRetention = Fixture.CreateApp(new Dictionary<string, string?> { ["SecretShare:Storage:EventRetentionSeconds"] = "1" });
        using var client = shortRetention.CreateHttpClient();
        // A short expiry too: on DynamoDB the events written before the burn keep expiry + retention as their TTL.
        var burned = await client.CreateAsync(new() { ["expiresInSeconds"] = 3 });
        await (await client.RevealAsync(burned.Id, burned.AccessToken)).AssertOkAsync();
        var kept = await Client.CreateAsync();
        await (await Client.RevealAsync(kept.Id, kept.AccessToken)).AssertOkAsync();
        Assert.Equal(4, await Fixture.CountAuditItemsAsync(burned.Id)); // the head; created, viewed, burned

        await RemoveTrailsPastRetentionAsync(burned.Id);

        Assert.Equal(0, await Fixture.CountAuditItemsAsync(burned.Id));
        await (await GetStatusAsync(burned.Id, burned.ManageToken)).AssertProblemAsync(HttpStatusCode.NotFound);
        AssertVerified(await ReceiptAsync(kept), length: 3);
    }

    [Fact]
    public async Task The_former_events_route_answers_the_same_status_and_is_marked_deprecated()
    {
        var secret = await Client.CreateAsync();
        var status = await ReceiptAsync(secret);

        using var former = new HttpRequestMessage(HttpMethod.Get, $"api/secrets/{secret.Id}/events");
        former.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret.ManageToken);
        var fromEvents = await (await Client.SendAsync(former)).AssertOkAsync();
        foreach (var read in new[] { status, fromEvents })
        {
            read.Remove("signature");
            read.Remove("issuedAt");
        }

        Assert.Equal(status.ToJsonString(), fromEvents.ToJsonString());
        await (await Client.GetAsync($"api/secrets/{secret.Id}/events")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var paths = (await (await Client.GetAsync("openapi/v1.json")).AssertOkAsync())["paths"]!;
        Assert.True(paths["/api/secrets/{id}/events"]!["get"]!["deprecated"]!.GetValue<bool>());
        Assert.Null(paths["/api/secrets/{id}/status"]!["get"]!["deprecated"]);
    }

    [Fact]
    public async Task A_status_link_of_the_former_form_redirects_permanently_to_the_status_page()
    {
        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Client.BaseAddress };
        var id = ApiCalls.NewId();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var response = await noRedirects.SendAsync(new HttpRequestMessage(method, $"m/{id}"));
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal($"/status/{id}", response.Headers.Location?.OriginalString);
        }

        using var page = await noRedirects.GetAsync($"status/{id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("js/status.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Whatever the backend does to remove trails past retention (a cleanup pass, TTL), until this one is gone.</summary>
    protected abstract Task RemoveTrailsPastRetentionAsync(string id);

    private async Task<HttpResponseMessage> GetStatusAsync(string id, string? bearer, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/secrets/{id}/status{query}");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Client.SendAsync(request);
    }

    private async Task<JsonObject> ReceiptAsync(CreatedSecret secret)
    {
        var receipt = await (await GetStatusAsync(secret.Id, secret.ManageToken)).AssertOkAsync();
        Assert.Equal(secret.Id, receipt["id"]!.GetValue<string>());
        return receipt;
    }

    private static List<JsonNode> Events(JsonObject receipt) => [.. receipt["events"]!.AsArray().Select(e => e!)];

    private static void AssertVerified(JsonObject receipt, int length)
    {
        var chain = receipt["chain"]!;
        Assert.True(chain["verified"]!.GetValue<bool>(), chain["problem"]?.GetValue<string>());
        Assert.Equal(length, chain["length"]!.GetValue<int>());
        if (Events(receipt) is [.., var last] && last["seq"]!.GetValue<int>() == length)
        {
            Assert.Equal(last["hash"]!.GetValue<string>(), chain["headHash"]!.GetValue<string>());
        }
    }
}
