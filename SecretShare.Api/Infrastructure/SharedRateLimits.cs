using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RedisRateLimiting;
using StackExchange.Redis;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// The Redis that API instances share their rate-limit counts in, when <c>ConnectionStrings:redis</c> names one (the
/// AppHost does when it runs more than one replica). While it does not answer, every instance counts on its own and
/// says so once in its log and in <c>/health</c> (Degraded, still 200): a limit that is briefly N times too generous
/// is better than refusing or failing every request.
/// </summary>
public sealed partial class SharedRateLimitStore(IConnectionMultiplexer redis, ILogger<SharedRateLimitStore> logger) : IHealthCheck
{
    public const string ConnectionName = "redis";
    public const string HealthCheckName = "rate-limit-store";

    private int lastKnownAvailable = 1;

    /// <summary>Whether to ask Redis at all: while the connection is down, asking would only wait for a time-out.</summary>
    internal bool IsAvailable => redis.IsConnected;

    internal IConnectionMultiplexer Redis => redis;

    internal void Succeeded()
    {
        if (Interlocked.Exchange(ref lastKnownAvailable, 1) == 0)
        {
            LogShared(logger);
        }
    }

    internal void Failed(Exception? exception)
    {
        if (Interlocked.Exchange(ref lastKnownAvailable, 0) == 1)
        {
            LogPerInstance(logger, exception?.GetType().Name ?? "not connected");
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsAvailable
            ? HealthCheckResult.Healthy("Rate limits are shared through Redis")
            : HealthCheckResult.Degraded("Redis is unreachable: rate limits are counted per instance"));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable ({Reason}): rate limits are counted per instance until it answers again")]
    private static partial void LogPerInstance(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers again: rate limits are shared across instances")]
    private static partial void LogShared(ILogger logger);
}

/// <summary>One client's limit: counted in Redis while it answers, otherwise in this instance's own window.</summary>
internal sealed class SharedOrLocalRateLimiter(string partitionKey, int permitLimit, TimeSpan window, SharedRateLimitStore store) : RateLimiter
{
    private readonly RedisFixedWindowRateLimiter<string> shared = new(partitionKey, new RedisFixedWindowRateLimiterOptions
    {
        ConnectionMultiplexerFactory = () => store.Redis,
        PermitLimit = permitLimit,
        Window = window,
    });

    private readonly FixedWindowRateLimiter local = new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permitLimit,
        Window = window,
        QueueLimit = 0,
    });

    // Kept while the local window holds counts: those are what limits a client while Redis is away.
    public override TimeSpan? IdleDuration => local.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

    // The middleware tries this first and awaits AcquireAsync only when it fails: the Redis round trip is asynchronous.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        store.IsAvailable ? NotYet.Instance : local.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (!store.IsAvailable)
        {
            store.Failed(null);
            return local.AttemptAcquire(permitCount);
        }

        try
        {
            var lease = await shared.AcquireAsync(permitCount, cancellationToken);
            store.Succeeded();
            return lease;
        }
        // A connection declared dead (a frozen server, a partition) cancels the commands still in flight: that is an
        // outage like a time-out, not the request's own cancellation.
        catch (Exception exception) when (exception is RedisException or TimeoutException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            store.Failed(exception);
            return local.AttemptAcquire(permitCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            shared.Dispose();
            local.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>A refusal that only means "ask asynchronously".</summary>
    private sealed class NotYet : RateLimitLease
    {
        public static readonly NotYet Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
