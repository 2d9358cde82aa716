using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SecretShare.Api.Apis;
using SecretShare.Api.Secrets;
using SecretShare.Storage.Secrets;

namespace SecretShare.Tests.Unit;

/// <summary>
/// How each outcome of a repository decision reaches the caller: status, problem fields and metrics, without a
/// database (the decisions themselves are tested against both real backends in SecretShare.Tests/Api).
/// </summary>
[Trait("Tier", "Unit")]
public sealed class SecretOutcomeTests : IDisposable
{
    private static readonly string Id = SecretTokens.NewId();
    private static readonly string Token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private readonly DecidingRepository repository = new();
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(string Instrument, string? Reason)> measurements = new();
    private readonly SecretService service;

    public SecretOutcomeTests()
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        // Only this test's meters: servers of other tests in the same process publish the same meter name.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Microsoft.Extensions.Hosting.Extensions.SecretShareMeterName
                && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            measurements.Enqueue((instrument.Name, tags.ToArray().FirstOrDefault(t => t.Key is "reason" or "by").Value as string)));
        listener.Start();
        service = new SecretService(
            repository, TimeProvider.System, Options.Create(new SecretLimitsOptions { MaxFailedAttempts = 7 }),
            new SecretShareMetrics(meterFactory), SecretShare.Tests.Infrastructure.TestAuditKeys.Ring(),
            NullLogger<SecretService>.Instance);
    }

    [Fact]
    public async Task A_reveal_presents_the_hash_of_the_token_at_a_whole_second_with_the_configured_attempt_limit()
    {
        repository.Reveal = SecretOutcome.Gone;

        await Reveal();

        var attempt = Assert.Single(repository.Attempts);
        Assert.Equal(Id, attempt.Id);
        Assert.Equal(SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(Token)), attempt.TokenHash);
        Assert.Equal(0, attempt.Now.Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(7, attempt.MaxFailedAttempts);
    }

    [Fact]
    public async Task A_granted_last_view_is_200_burned_and_counted_as_a_view_and_a_burn()
    {
        repository.Reveal = SecretResult<RevealedSecret>.Granted(new RevealedSecret([1, 2, 3], MaxViews: 2, Views: 2, DateTimeOffset.UnixEpoch));

        var ok = Assert.IsType<Ok<RevealSecretResponse>>(await Reveal());

        Assert.Equal(("AQID", 0, true), (ok.Value!.Ciphertext, ok.Value.ViewsRemaining, ok.Value.Burned));
        Assert.Equal([("secretshare.secrets.revealed", null), ("secretshare.secrets.burned", "last_view")], measurements);
    }

    [Fact]
    public async Task A_counted_wrong_token_is_403_with_the_attempts_left()
    {
        repository.Reveal = SecretResult<RevealedSecret>.WrongToken(3);

        var problem = AssertProblem(await Reveal(), StatusCodes.Status403Forbidden);

        Assert.Equal(3, problem.Extensions["attemptsRemaining"]);
        Assert.Equal("wrong_token", problem.Extensions["code"]);
        Assert.Equal([("secretshare.access.failed_attempts", null)], measurements);
    }

    [Fact]
    public async Task The_wrong_token_that_used_the_last_attempt_is_403_with_none_left_and_counts_a_burn()
    {
        repository.Reveal = SecretResult<RevealedSecret>.WrongToken(0);

        var problem = AssertProblem(await Reveal(), StatusCodes.Status403Forbidden);

        Assert.Equal(0, problem.Extensions["attemptsRemaining"]);
        Assert.Contains("deleted", problem.Detail);
        Assert.Equal([("secretshare.access.failed_attempts", null), ("secretshare.secrets.burned", "failed_attempts")], measurements);
    }

    [Fact]
    public async Task An_uncounted_wrong_token_is_403_without_attempts()
    {
        repository.Reveal = SecretResult<RevealedSecret>.WrongToken(null);

        var problem = AssertProblem(await Reveal(), StatusCodes.Status403Forbidden);

        Assert.False(problem.Extensions.ContainsKey("attemptsRemaining"));
        Assert.Equal("wrong_token", problem.Extensions["code"]);
    }

    [Fact]
    public async Task A_secret_that_is_gone_is_404_on_every_call()
    {
        repository.Reveal = SecretOutcome.Gone;
        repository.Extend = SecretOutcome.Gone;
        repository.Delete = SecretOutcome.Gone;

        AssertProblem(await Reveal(), StatusCodes.Status404NotFound);
        AssertProblem(await Extend(addSeconds: 60), StatusCodes.Status404NotFound);
        AssertProblem(await Delete($"Bearer {Token}"), StatusCodes.Status404NotFound);
        Assert.Empty(measurements);
    }

    [Fact]
    public async Task Extending_what_may_not_be_extended_is_403_not_extendable()
    {
        repository.Extend = SecretOutcome.NotExtendable;

        var problem = AssertProblem(await Extend(addSeconds: 60), StatusCodes.Status403Forbidden);

        Assert.Equal("not_extendable", problem.Extensions["code"]);
        Assert.Empty(measurements);
    }

    [Theory]
    [InlineData(60, null, "addSeconds")]
    [InlineData(null, 5, "addViews")]
    [InlineData(60, 5, "addViews")]
    public async Task An_extension_out_of_bounds_is_a_400_on_the_field_that_cannot_apply(int? addSeconds, int? addViews, string field)
    {
        repository.Extend = SecretOutcome.OutOfBounds;

        var problem = Assert.IsType<ValidationProblem>(await Extend(addSeconds, addViews));

        Assert.Equal([field], problem.ProblemDetails.Errors.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_delete_without_bearer_credentials_is_401_with_a_challenge_and_asks_nothing(string? authorization)
    {
        var response = new DefaultHttpContext().Response;

        var result = await SecretsApi.DeleteSecret(Id, authorization, response, service, CancellationToken.None);

        AssertProblem(result.Result, StatusCodes.Status401Unauthorized);
        Assert.Equal("Bearer", response.Headers.WWWAuthenticate.ToString());
        Assert.Empty(repository.Attempts);
    }

    [Theory]
    [InlineData(DeletedBy.Creator, "creator")]
    [InlineData(DeletedBy.Recipient, "recipient")]
    public async Task A_delete_says_nothing_but_204_and_counts_a_deletion_by_whom_never_a_burn(DeletedBy by, string counted)
    {
        repository.Delete = SecretResult<DeletedBy>.Granted(by);

        Assert.IsType<NoContent>(await Delete($"Bearer {Token}"));
        Assert.Equal([("secretshare.secrets.deleted", counted)], measurements);
    }

    public void Dispose()
    {
        listener.Dispose();
        services.Dispose();
    }

    private async Task<IResult> Reveal() =>
        (await SecretsApi.RevealSecret(Id, new RevealSecretRequest(Token), service, CancellationToken.None)).Result;

    private async Task<IResult> Extend(int? addSeconds = null, int? addViews = null) =>
        (await SecretsApi.ExtendSecret(
            Id, new ExtendSecretRequest(Token, addSeconds, addViews), service, Options.Create(new SecretLimitsOptions()), CancellationToken.None)).Result;

    private async Task<IResult> Delete(string authorization) =>
        (await SecretsApi.DeleteSecret(Id, authorization, new DefaultHttpContext().Response, service, CancellationToken.None)).Result;

    private static Microsoft.AspNetCore.Mvc.ProblemDetails AssertProblem(IResult result, int status)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal(status, problem.StatusCode);
        return problem.ProblemDetails;
    }

    /// <summary>A repository whose decisions the test sets; it records what it was asked.</summary>
    private sealed class DecidingRepository : ISecretRepository
    {
        public List<TokenAttempt> Attempts { get; } = [];

        public SecretResult<RevealedSecret> Reveal { get; set; }

        public SecretResult<SecretMetadata> Extend { get; set; }

        public SecretResult<DeletedBy> Delete { get; set; }

        public Task<SecretResult<RevealedSecret>> RevealAsync(TokenAttempt attempt, CancellationToken cancellationToken) => Decide(attempt, Reveal);

        public Task<SecretResult<SecretMetadata>> ExtendAsync(TokenAttempt attempt, SecretExtension extension, CancellationToken cancellationToken) =>
            Decide(attempt, Extend);

        public Task<SecretResult<DeletedBy>> DeleteAsync(TokenAttempt attempt, CancellationToken cancellationToken) => Decide(attempt, Delete);

        public Task CreateAsync(NewSecret secret, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SecretState?> FindLiveAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditTrail?> ReadAuditTrailAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RecordExpiryAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        private Task<SecretResult<T>> Decide<T>(TokenAttempt attempt, SecretResult<T> result)
        {
            Attempts.Add(attempt);
            return Task.FromResult(result);
        }
    }
}
