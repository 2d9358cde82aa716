using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SecretShare.Client;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Api;

/// <summary>Requests (docs/spec.md section 8) through the real API, on each backend.</summary>
public abstract class RequestsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    private const int Racers = 30;

    /// <summary>The most answers a request takes (RequestService.MaxAnswers).</summary>
    private const int RequestLimit = 20;

    protected TFixture Fixture => fixture;

    /// <summary>Waits for the backend's own removal of expired data: the cleanup worker (PostgreSQL) or TTL (DynamoDB).</summary>
    protected abstract Task RemoveExpiredAsync(string requestId, string answerId);

    [Fact]
    public async Task An_expired_request_and_its_answers_are_removed_like_secrets()
    {
        // Times are whole seconds: a 1-second request may have less than a second left, too little on a busy machine.
        var request = await Sharing.CreateAsync(expiresIn: TimeSpan.FromSeconds(4), cancellationToken: Cancel);
        var answer = await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("short-lived"), Cancel);
        Assert.True(await fixture.IsRequestStoredAsync(request.FillInLink.Id));
        Assert.True(await fixture.IsStoredAsync(answer.Id));
        var wait = request.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.2);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Cancel);

        await RemoveExpiredAsync(request.FillInLink.Id, answer.Id);

        Assert.False(await fixture.IsRequestStoredAsync(request.FillInLink.Id));
        Assert.False(await fixture.IsStoredAsync(answer.Id));
    }

    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    private RequestSharing Sharing => new(new SecretShareClient(fixture.Client));

    [Fact]
    public async Task An_answer_with_files_reaches_only_the_inbox_and_burns_after_its_views()
    {
        var request = await Sharing.CreateAsync(cancellationToken: Cancel);
        var file = new SecretFile("id_rsa", "application/octet-stream", [1, 2, 3, 250]);
        await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("the password", [file]), Cancel);

        var inbox = await Sharing.GetInboxAsync(request.InboxLink, Cancel);
        var answer = Assert.Single(inbox.Answers);
        Assert.Equal((0, "active", 1), (inbox.AnswersRemaining, answer.Status, answer.ViewsRemaining));

        var opened = await Sharing.OpenAsync(request.InboxLink, answer, Cancel);
        Assert.Equal("the password", opened.Envelope.Text);
        Assert.Equal(file.Data, Assert.Single(opened.Envelope.Files!).Data);
        Assert.True(opened.Burned);

        var again = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.OpenAsync(request.InboxLink, answer, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);

        // The request's trail: created, answered, viewed, burned; the answer's status follows.
        inbox = await Sharing.GetInboxAsync(request.InboxLink, Cancel);
        Assert.Equal(["created", "answered", "viewed", "burned"], inbox.Events.Select(e => e.Type));
        Assert.Equal("burned", Assert.Single(inbox.Answers).Status);

        // The sender cannot answer twice, and nobody else can read the answer: the server holds ciphertext only.
        var full = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("again"), Cancel));
        Assert.Equal(HttpStatusCode.NotFound, full.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Racing_senders_get_exactly_max_answers_accepted(int maxAnswers)
    {
        var request = await Sharing.CreateAsync(maxAnswers: maxAnswers, cancellationToken: Cancel);
        var info = await new SecretShareClient(fixture.Client).GetRequestAsync(request.FillInLink.Id, Cancel);
        var sealedAnswer = RequestProtocol.Seal(
            request.FillInLink.Id, Base64UrlStrict.Decode(info.PublicKey), request.FillInLink.Fingerprint, new SecretEnvelope("race"));
        var body = new JsonObject
        {
            ["ciphertext"] = sealedAnswer.CiphertextText,
            ["accessToken"] = sealedAnswer.AccessTokenText,
            ["ephemeralKey"] = sealedAnswer.EphemeralKeyText,
        }.ToJsonString();

        using var start = new SemaphoreSlim(0);
        var racers = Enumerable.Range(0, Racers).Select(async _ =>
        {
            await start.WaitAsync(Cancel);
            using var response = await fixture.Client.PostJsonAsync($"api/requests/{request.FillInLink.Id}/answers", body);
            return response.StatusCode;
        }).ToList();
        start.Release(Racers);
        var statuses = await Task.WhenAll(racers);

        Assert.Equal(maxAnswers, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(Racers - maxAnswers, statuses.Count(s => s == HttpStatusCode.NotFound));
        var inbox = await Sharing.GetInboxAsync(request.InboxLink, Cancel);
        Assert.Equal(maxAnswers, inbox.Answers.Count);
        Assert.Equal(maxAnswers, inbox.Answers.Select(a => a.Id).Distinct().Count());
        Assert.All(inbox.Answers, a => Assert.Equal("active", a.Status));
    }

    [Fact]
    public async Task An_expired_request_takes_no_answer_and_shows_nothing()
    {
        var request = await Sharing.CreateAsync(expiresIn: TimeSpan.FromSeconds(1), cancellationToken: Cancel);
        await Task.Delay(TimeSpan.FromSeconds(2.2), Cancel);

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync($"api/requests/{request.FillInLink.Id}", Cancel)).StatusCode);
        var sealedAnswer = RequestProtocol.Seal(
            request.FillInLink.Id, RequestProtocol.PublicKeyOf(request.InboxLink.PrivateKey), request.FillInLink.Fingerprint, new SecretEnvelope("late"));
        using var late = await fixture.Client.PostJsonAsync($"api/requests/{request.FillInLink.Id}/answers", new JsonObject
        {
            ["ciphertext"] = sealedAnswer.CiphertextText,
            ["accessToken"] = sealedAnswer.AccessTokenText,
            ["ephemeralKey"] = sealedAnswer.EphemeralKeyText,
        }.ToJsonString());
        await late.AssertProblemAsync(HttpStatusCode.NotFound);
        var inbox = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.GetInboxAsync(request.InboxLink, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, inbox.StatusCode);
    }

    [Fact]
    public async Task The_inbox_needs_the_manage_token()
    {
        var request = await Sharing.CreateAsync(cancellationToken: Cancel);
        var path = $"api/requests/{request.FillInLink.Id}/answers";

        await (await InboxWithAsync(path, ApiCalls.NewToken())).AssertProblemAsync(HttpStatusCode.Forbidden);
        using var missing = await fixture.Client.GetAsync(path, Cancel);
        await missing.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);
        await (await InboxWithAsync(path, "not-a-token")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await InboxWithAsync(path, request.InboxLink.ManageToken)).AssertOkAsync();
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("Basic dXNlcjpwYXNz", HttpStatusCode.Unauthorized)]
    [InlineData("Bearer not-a-token", HttpStatusCode.BadRequest)]
    [InlineData("Bearer WRONG", HttpStatusCode.Forbidden)]
    public async Task Deleting_a_request_without_its_manage_token_changes_nothing(string? authorization, HttpStatusCode expected)
    {
        var request = await Sharing.CreateAsync(maxAnswers: 2, cancellationToken: Cancel);
        var answer = await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("kept"), Cancel);

        using var message = new HttpRequestMessage(HttpMethod.Delete, $"api/requests/{request.FillInLink.Id}");
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization.Replace("WRONG", ApiCalls.NewToken(), StringComparison.Ordinal));
        }

        using var response = await fixture.Client.SendAsync(message, Cancel);
        var problem = await response.AssertProblemAsync(expected);
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? ["Bearer"] : [], response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Equal(expected == HttpStatusCode.Forbidden ? "wrong_token" : null, problem["code"]?.GetValue<string>());
        Assert.True(await fixture.IsRequestStoredAsync(request.FillInLink.Id));
        Assert.True(await fixture.IsStoredAsync(answer.Id));
        Assert.Equal(1, (await Sharing.GetInboxAsync(request.InboxLink, Cancel)).AnswersRemaining);
    }

    [Fact]
    public async Task Deleting_a_request_removes_it_and_its_answers_and_nothing_answers_after()
    {
        var request = await Sharing.CreateAsync(maxAnswers: 3, cancellationToken: Cancel);
        var first = await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("one"), Cancel);
        var second = await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("two"), Cancel);
        await Sharing.OpenAsync(request.InboxLink, (await Sharing.GetInboxAsync(request.InboxLink, Cancel)).Answers[0], Cancel);

        await Sharing.DeleteAsync(request.InboxLink, Cancel);

        Assert.False(await fixture.IsRequestStoredAsync(request.FillInLink.Id));
        Assert.False(await fixture.IsStoredAsync(first.Id));
        Assert.False(await fixture.IsStoredAsync(second.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync($"api/requests/{request.FillInLink.Id}", Cancel)).StatusCode);
        var late = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("late"), Cancel));
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        var inbox = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.GetInboxAsync(request.InboxLink, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, inbox.StatusCode);
        var again = await Assert.ThrowsAsync<SecretShareApiException>(() => Sharing.DeleteAsync(request.InboxLink, Cancel));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_request_while_senders_race_leaves_no_answer_behind()
    {
        var request = await Sharing.CreateAsync(maxAnswers: RequestLimit, cancellationToken: Cancel);
        var info = await new SecretShareClient(fixture.Client).GetRequestAsync(request.FillInLink.Id, Cancel);
        using var start = new SemaphoreSlim(0);
        var senders = Enumerable.Range(0, RequestLimit).Select(async _ =>
        {
            var sealedAnswer = RequestProtocol.Seal(
                request.FillInLink.Id, Base64UrlStrict.Decode(info.PublicKey), request.FillInLink.Fingerprint, new SecretEnvelope("race"));
            var body = new JsonObject
            {
                ["ciphertext"] = sealedAnswer.CiphertextText,
                ["accessToken"] = sealedAnswer.AccessTokenText,
                ["ephemeralKey"] = sealedAnswer.EphemeralKeyText,
            }.ToJsonString();
            await start.WaitAsync(Cancel);
            using var response = await fixture.Client.PostJsonAsync($"api/requests/{request.FillInLink.Id}/answers", body);
            return response.StatusCode == HttpStatusCode.Created ? (await response.AssertOkAsync(HttpStatusCode.Created))["id"]!.GetValue<string>() : null;
        }).ToList();
        var deleter = Task.Run(async () =>
        {
            await start.WaitAsync(Cancel);
            await Sharing.DeleteAsync(request.InboxLink, Cancel);
        }, Cancel);
        start.Release(RequestLimit + 1);
        var accepted = (await Task.WhenAll(senders)).OfType<string>().ToList();
        await deleter;

        // Every answer was taken before the delete (and deleted with the request) or refused after it.
        foreach (var id in accepted)
        {
            Assert.False(await fixture.IsStoredAsync(id), $"answer {id} survived its request");
        }

        Assert.False(await fixture.IsRequestStoredAsync(request.FillInLink.Id));
    }

    [Fact]
    public async Task An_answer_over_the_limit_is_refused_before_upload_and_leaves_the_request_open()
    {
        var request = await Sharing.CreateAsync(cancellationToken: Cancel);
        var limits = await new SecretShareClient(fixture.Client).GetLimitsAsync(Cancel);
        var tooLarge = new SecretEnvelope(new string('x', limits.MaxPayloadBytes));

        var refused = await Assert.ThrowsAsync<AnswerTooLargeException>(() => Sharing.RespondAsync(request.FillInLink, tooLarge, Cancel));
        Assert.True(refused.PayloadBytes > limits.MaxPayloadBytes);

        // The server refuses it too (413), without taking the request's one answer.
        var sealedAnswer = RequestProtocol.Seal(
            request.FillInLink.Id, RequestProtocol.PublicKeyOf(request.InboxLink.PrivateKey), request.FillInLink.Fingerprint, tooLarge);
        using var response = await fixture.Client.PostJsonAsync($"api/requests/{request.FillInLink.Id}/answers", new JsonObject
        {
            ["ciphertext"] = sealedAnswer.CiphertextText,
            ["accessToken"] = sealedAnswer.AccessTokenText,
            ["ephemeralKey"] = sealedAnswer.EphemeralKeyText,
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);

        Assert.Empty((await Sharing.GetInboxAsync(request.InboxLink, Cancel)).Answers);
        await Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("fits"), Cancel);
    }

    [Fact]
    public async Task A_public_key_swapped_in_the_database_is_refused_before_encrypting()
    {
        var request = await Sharing.CreateAsync(cancellationToken: Cancel);
        await fixture.SetRequestPublicKeyAsync(request.FillInLink.Id, RequestProtocol.PublicKeyOf(RequestProtocol.GenerateKeyPair()));

        await Assert.ThrowsAsync<RequestKeyMismatchException>(() => Sharing.RespondAsync(request.FillInLink, new SecretEnvelope("for the attacker?"), Cancel));
        Assert.Empty((await Sharing.GetInboxAsync(request.InboxLink, Cancel)).Answers);
    }

    [Fact]
    public async Task Bad_input_is_a_400_listing_every_field()
    {
        using var response = await fixture.Client.PostJsonAsync("api/requests", """{"publicKey":"BAAA","maxAnswers":0,"answerViews":1000,"expiresInSeconds":0}""");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        Assert.Equal(["answerViews", "expiresInSeconds", "maxAnswers", "publicKey"], errors.Select(e => e.Key).Order());

        // A point that is not on the curve is no public key.
        var offCurve = new byte[65];
        offCurve[0] = 4;
        offCurve[64] = 1;
        using var off = await fixture.Client.PostJsonAsync("api/requests", $$"""{"publicKey":"{{Base64UrlStrict.Encode(offCurve)}}"}""");
        await off.AssertProblemAsync(HttpStatusCode.BadRequest);

        await (await fixture.Client.GetAsync("api/requests/not-an-id", Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Requests_and_answers_are_under_the_creation_rate_limit_and_the_inbox_under_the_token_limit()
    {
        await using var limited = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:CreatePermitLimit"] = "2",
            ["SecretShare:RateLimiting:TokenPermitLimit"] = "1",
            ["SecretShare:RateLimiting:WindowSeconds"] = "60",
        });
        using var client = limited.CreateHttpClient();
        var sharing = new RequestSharing(new SecretShareClient(client));

        var request = await sharing.CreateAsync(cancellationToken: Cancel);
        await sharing.RespondAsync(request.FillInLink, new SecretEnvelope("one"), Cancel);
        var refused = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.CreateAsync(cancellationToken: Cancel));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.RetryAfter);

        await sharing.GetInboxAsync(request.InboxLink, Cancel);
        var inbox = await Assert.ThrowsAsync<SecretShareApiException>(() => sharing.GetInboxAsync(request.InboxLink, Cancel));
        Assert.Equal(HttpStatusCode.TooManyRequests, inbox.StatusCode);
    }

    private Task<HttpResponseMessage> InboxWithAsync(string path, string token)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return fixture.Client.SendAsync(message, Cancel);
    }
}
