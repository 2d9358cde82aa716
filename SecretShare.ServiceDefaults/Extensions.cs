using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire service defaults: OpenTelemetry, health checks, service discovery and resilience for every SecretShare
/// process. What SecretShare adds to the template: the <c>SecretShare</c> meter, Npgsql and DynamoDB spans, and that
/// no id, token or connection string leaves the process in a log, span or metric.
/// </summary>
public static class Extensions
{
    /// <summary>The name of SecretShare's own meter.</summary>
    public const string SecretShareMeterName = "SecretShare";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";
    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureSafeLogging();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Not as in the template: instrumentation is opt-in. With no exporter nothing reads spans, so none are made;
        // tracing every request for nobody cost API CPU on the hot paths (docs/performance.md).
        if (!builder.IsOtlpExporterConfigured())
        {
            return builder;
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;

            // Not as in the template: hosting's request scope carries the request path, and the path carries the secret id.
            logging.IncludeScopes = false;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Npgsql", SecretShareMeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    // Probes are not traffic.
                    aspNetCore.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                        !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation(http => http.EnrichWithHttpRequestMessage = DynamoDbSpans.Describe)
                .AddNpgsql()
                .AddProcessor(new UnrecordedParentProcessor())
                .AddProcessor(new RedactingProcessor()));

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var useOtlpExporter = builder.IsOtlpExporterConfigured();
        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsOtlpExporterConfigured(this IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// <c>/health</c> runs every check (readiness, including the database); <c>/alive</c> only liveness. Mapped in every
    /// environment, not only Development as in the template: SPEC section 2 makes them part of the API, and they reveal
    /// nothing.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath).ExcludeFromDescription();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Categories whose entries below a level carry the request path, and with it a secret id: hosting's request logs
    /// ("Request starting … /api/secrets/{full id}") and routing's Debug entries.
    /// </summary>
    private static readonly (string Category, LogLevel Minimum)[] PathLoggingCategories =
    [
        ("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning),
        ("Microsoft.AspNetCore.Routing.Matching", LogLevel.Information),
    ];

    /// <summary>
    /// Whether a rule for <paramref name="ruleCategory"/> would be chosen over one for <paramref name="category"/> itself:
    /// it applies to it (a prefix, or a pattern with one <c>*</c>) and is at least as long.
    /// </summary>
    private static bool Outranks(string? ruleCategory, string category)
    {
        if (ruleCategory is null || ruleCategory.Length < category.Length)
        {
            return false;
        }

        var star = ruleCategory.IndexOf('*', StringComparison.Ordinal);
        return star < 0
            ? category.StartsWith(ruleCategory, StringComparison.OrdinalIgnoreCase)
            : category.StartsWith(ruleCategory[..star], StringComparison.OrdinalIgnoreCase) &&
              category.EndsWith(ruleCategory[(star + 1)..], StringComparison.OrdinalIgnoreCase);
    }

    private static void ConfigureSafeLogging(this IHostApplicationBuilder builder)
    {
        // Whatever the configuration says. A rule that names a provider (Logging:Console:LogLevel:Default) beats every
        // rule that names none, however specific its category, so the caps are added again for every provider that
        // configuration names, after it is read (and re-read on reload), and any rule that would lower them goes.
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            var providers = options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct().ToList();
            foreach (var (category, minimum) in PathLoggingCategories)
            {
                foreach (var rule in options.Rules.Where(rule => Outranks(rule.CategoryName, category)).ToList())
                {
                    options.Rules.Remove(rule);
                }

                foreach (var provider in providers)
                {
                    // Equal specificity: the rule added last wins.
                    options.Rules.Add(new LoggerFilterRule(provider, category, minimum, filter: null));
                }
            }
        });
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        });
    }
}
