using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SecretShare.Api.Secrets;
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

    public static IServiceCollection AddSecretShareRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindStartupConfiguration(RateLimitingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>>((limiter, configured) =>
        {
            var options = configured.Value;
            limiter.AddPolicy(CreatePolicy, context => PerClientAddress(context, options, options.CreatePermitLimit));
            limiter.AddPolicy(TokenPolicy, context => PerClientAddress(context, options, options.TokenPermitLimit));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> PerClientAddress(HttpContext context, RateLimitingOptions options, int permitLimit)
    {
        if (!options.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("disabled");
        }

        return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.PartitionKey(context), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
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
