using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using SecretShare.Api.Secrets;
using SecretShare.Hosting;
using SecretShare.Storage.Configuration;

namespace SecretShare.Api.Infrastructure;

/// <summary>Per-client-address limits (section <c>SecretShare:RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "SecretShare:RateLimiting";

    /// <summary>Off only behind a trusted proxy that limits, or for load tests.</summary>
    public bool Enabled { get; set; } = true;

    [Range(1, int.MaxValue)]
    public int CreatePermitLimit { get; set; } = 30;

    /// <summary>Reveal, extend and delete: the calls that check a token, where guessing is the threat.</summary>
    [Range(1, int.MaxValue)]
    public int TokenPermitLimit { get; set; } = 60;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}

public static class RateLimitingExtensions
{
    public const string CreatePolicy = "create";
    public const string TokenPolicy = "token";

    /// <summary>
    /// In this instance's memory; in Redis, shared by every instance, when <c>ConnectionStrings:redis</c> is set (the
    /// AppHost sets it when it runs more than one replica).
    /// </summary>
    public static void AddSecretShareRateLimiting(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitingOptions>().BindStartupConfiguration(RateLimitingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var shared = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(SharedRateLimitStore.ConnectionName));
        if (shared)
        {
            builder.AddRedisClient(
                SharedRateLimitStore.ConnectionName,
                settings =>
                {
                    // Aspire's check would make /health fail while Redis is away; the store's own says Degraded instead.
                    settings.DisableHealthChecks = true;
                    // One span per limited request, made only for an exporter.
                    settings.DisableTracing = string.IsNullOrWhiteSpace(builder.Configuration[EnvironmentVariables.OtlpEndpoint]);
                },
                redis =>
                {
                    // Start without Redis, reconnect in the background, and never queue a command for a lost
                    // connection: the limiter then counts locally instead of holding the request.
                    redis.AbortOnConnectFail = false;
                    redis.BacklogPolicy = BacklogPolicy.FailFast;
                    redis.ConnectTimeout = 2000;
                    redis.AsyncTimeout = 1000;
                    redis.SyncTimeout = 1000;
                });
            services.AddSingleton<SharedRateLimitStore>();
            services.AddHealthChecks().AddCheck<SharedRateLimitStore>(SharedRateLimitStore.HealthCheckName);
        }

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>, IServiceProvider>((limiter, configured, provider) =>
        {
            var options = configured.Value;
            var store = shared ? provider.GetRequiredService<SharedRateLimitStore>() : null;
            limiter.AddPolicy(CreatePolicy, context => PerClientAddress(context, options, CreatePolicy, options.CreatePermitLimit, store));
            limiter.AddPolicy(TokenPolicy, context => PerClientAddress(context, options, TokenPolicy, options.TokenPermitLimit, store));
            limiter.OnRejected = OnRejectedAsync;
        });
    }

    private static RateLimitPartition<string> PerClientAddress(
        HttpContext context, RateLimitingOptions options, string policy, int permitLimit, SharedRateLimitStore? store)
    {
        if (!options.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("disabled");
        }

        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        var client = ClientAddress.PartitionKey(context);
        if (store is not null)
        {
            // The policy is part of the key: the two policies are counted apart in the one store.
            return RateLimitPartition.Get($"secretshare:{policy}:{client}", key => new SharedOrLocalRateLimiter(key, permitLimit, window, store));
        }

        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = window,
            QueueLimit = 0,
        });
    }

    /// <summary>How long the client should wait: the in-memory limiter says it as a TimeSpan, Redis's as whole seconds.</summary>
    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter.Name, out var wait) switch
        {
            true when wait is TimeSpan span => span,
            true when wait is int seconds => TimeSpan.FromSeconds(seconds),
            _ => TimeSpan.FromSeconds(1),
        };

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = RetryAfter(rejected.Lease);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "unknown";
        context.RequestServices.GetRequiredService<SecretShareMetrics>().RateLimited(policy);

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many requests from your address. Try again in {seconds} second(s).",
            },
        });
    }
}
