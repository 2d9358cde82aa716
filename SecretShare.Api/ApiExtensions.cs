using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using SecretShare.Api.Apis;
using SecretShare.Api.Infrastructure;
using SecretShare.Api.Requests;
using SecretShare.Api.Secrets;
using SecretShare.Storage;
using SecretShare.Hosting;

namespace SecretShare.Api;

public static class ApiExtensions
{
    public static void AddSecretShareApi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecretLimitsOptions>()
            .BindStartupConfiguration(SecretLimitsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecretLimitsOptions>, SecretLimitsOptions.Validator>();

        services.RequireAuditKeys();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => PageLanguages.Load(provider.GetRequiredService<IWebHostEnvironment>().WebRootPath));
        services.AddSingleton<SecretShareMetrics>();
        services.AddScoped<SecretService>();
        services.AddScoped<RequestService>();
        services.AddTrustedForwardedHeaders();
        builder.AddSecretShareRateLimiting();

        // Once a browser has seen the site over HTTPS, it never again asks for it over plain HTTP, where a network attacker
        // could serve a page that reads the key from the fragment. Sent only on HTTPS requests (behind a proxy: once the
        // forwarded headers have set the scheme), and never for localhost.
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

        services.AddProblemDetails();
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            // SPEC: a quoted number is a 400; duplicate keys are ambiguous, so they are refused too.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.AllowDuplicateProperties = false;
        });

        // The only large body is a creation; the limit applies before anything is buffered. Slow clients are cut off.
        services.AddOptions<KestrelLimitsOptions>().BindStartupConfiguration(KestrelLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SecretLimitsOptions>, IOptions<KestrelLimitsOptions>>((kestrel, limits, slow) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(slow.Value.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = slow.Value.MinRequestBodyDataRate == 0
                ? null
                : new MinDataRate(slow.Value.MinRequestBodyDataRate, TimeSpan.FromSeconds(slow.Value.MinRequestBodyDataRateGracePeriodSeconds));
        });

        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "SecretShare API";
                document.Info.Description = "Zero-knowledge secret sharing: the server stores only ciphertext and token hashes.";
                return Task.CompletedTask;
            });

            // Optional<T> is a wire-level detail: describe it as the T it carries.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type.IsGenericType && context.JsonTypeInfo.Type.GetGenericTypeDefinition() == typeof(Optional<>))
                {
                    schema.Properties?.Clear();
                    schema.Type = JsonSchemaType.Integer | JsonSchemaType.Null;
                    schema.Description = "Absent: the default. null: unlimited views until expiry.";
                }

                return Task.CompletedTask;
            });
        });
    }

    public static WebApplication UseSecretShareApi(this WebApplication app)
    {
        // First: HSTS and everything after it must see the client's scheme and address as a trusted proxy forwarded them.
        app.UseTrustedForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseShutdownSafeRequestBodies();
        app.UseCloseForOversizeRequestBodies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();

        app.UseDefaultFiles();
        app.UseStaticFiles();

        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            // The API reference at /scalar, on the document above, from the package's own files: no CDN, no web fonts.
            // Its page runs one inline script, allowed by a per-request nonce (SecurityHeaders).
            app.MapScalarApiReference(options => options.WithTitle("SecretShare API").WithNonce().DisableDefaultFonts());
        }

        app.MapDefaultEndpoints();
        app.MapSecretsApi();
        app.MapLimitsApi();
        app.MapReceiptKeysApi();
        app.MapRequestsApi();

        // The view and status pages are one static file each for every secret id; the page reads the id, and the key
        // or manage token from the fragment, itself. Every page is served in the language Accept-Language asks for.
        // Resolved now, so that a deployment without its catalogues fails at start-up rather than on the first page.
        app.Services.GetRequiredService<PageLanguages>();
        app.MapPage("/", "index.html");
        app.MapPage("/index.html", "index.html");
        app.MapPage("/s/{id}", "view.html");
        app.MapPage("/status/{id}", "status.html");

        // Status links sent before the page was named after its feature. A redirect keeps the fragment (RFC 9110
        // section 10.2.2), so the manage token reaches the page and never the server.
        app.MapMethods("/m/{id}", [HttpMethods.Get, HttpMethods.Head], (string id, HttpContext context) =>
                TypedResults.Redirect($"/status/{Uri.EscapeDataString(id)}{context.Request.QueryString}", permanent: true))
            .ExcludeFromDescription();
        app.MapPage("/request", "request.html");
        app.MapPage("/r/{id}", "respond.html");
        app.MapPage("/i/{id}", "inbox.html");
        return app;
    }

    private static void MapPage(this WebApplication app, string pattern, string file)
    {
        app.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], (HttpContext context, PageLanguages languages) => languages.Page(context, file))
            .ExcludeFromDescription();
    }
}

/// <summary>How long Kestrel waits for slow clients (section <c>SecretShare:Kestrel</c>).</summary>
public sealed class KestrelLimitsOptions
{
    public const string SectionName = "SecretShare:Kestrel";

    /// <summary>Time allowed to receive all request headers.</summary>
    [Range(1, 3600)]
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Minimum request body rate in bytes per second; 0 turns the check off.</summary>
    [Range(0, 1_000_000)]
    public int MinRequestBodyDataRate { get; set; } = 240;

    /// <summary>Grace before the body rate is enforced; above Kestrel's one-second heartbeat.</summary>
    [Range(2, 3600)]
    public int MinRequestBodyDataRateGracePeriodSeconds { get; set; } = 5;
}
