using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SecretShare.ServiceDefaults;

/// <summary>
/// OpenTelemetry over OTLP without the hosting and instrumentation packages (not restorable here): the SDK
/// listens to the framework's own activity sources and meters directly.
/// </summary>
public static class Telemetry
{
    /// <summary>The activity source and meter name of SecretShare's own telemetry.</summary>
    public const string SourceName = "SecretShare";

    private const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";

    internal static void AddOpenTelemetryExport(this IHostApplicationBuilder builder)
    {
        if (!Uri.TryCreate(builder.Configuration[OtlpEndpoint], UriKind.Absolute, out var endpoint))
        {
            return;
        }

        var protocol = builder.Configuration[OtlpProtocol] is "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;

        var sdk = OpenTelemetrySdk.Create(otel => otel
            .ConfigureResource(resource => resource
                .AddService(builder.Environment.ApplicationName)
                .AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.AspNetCore", "System.Net.Http", "Npgsql", SourceName)
                .AddProcessor(new RedactingProcessor()))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting",
                    "System.Net.Http", "System.Runtime", "Npgsql", SourceName))
            .WithLogging(logging => { }, options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            })
            .UseOtlpExporter(protocol, endpoint));

        // Owned by the container, so that disposing the host flushes what is still buffered. (An instance registered
        // as such is never disposed by the container; one made by a factory is, once resolved, and the logger
        // provider resolves it when logging starts, so it is disposed after everything created later.)
        builder.Services.AddSingleton(_ => sdk);
        builder.Services.AddSingleton<ILoggerProvider>(services =>
            new ForwardingLoggerProvider(services.GetRequiredService<OpenTelemetrySdk>().GetLoggerFactory()));
    }

    /// <summary>Names server spans by route (<c>POST /api/secrets/{id}/reveal</c>), never by the concrete path.</summary>
    public static IApplicationBuilder UseRouteNamedSpans(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (activity is not null)
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
            activity.SetTag("http.request.method", context.Request.Method);
            if (route is not null)
            {
                activity.SetTag("http.route", route);
            }
        }

        await next(context);
        activity?.SetTag("http.response.status_code", context.Response.StatusCode);
    });

    /// <summary>Removes tags that could carry a secret id or a database password before anything is exported.</summary>
    private sealed class RedactingProcessor : BaseProcessor<Activity>
    {
        private static readonly string[] SensitiveTags =
            ["url.full", "url.path", "url.query", "http.target", "http.url", "db.connection_string", "db.query.parameter"];

        public override void OnEnd(Activity data)
        {
            foreach (var tag in SensitiveTags)
            {
                data.SetTag(tag, null);
            }
        }
    }

    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
            // The factory belongs to the SDK singleton, which the host disposes.
        }
    }
}
