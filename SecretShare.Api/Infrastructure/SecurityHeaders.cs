using Scalar.AspNetCore;

namespace SecretShare.Api.Infrastructure;

/// <summary>The headers of SPEC section 2 on every response, API and pages alike.</summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /// <summary>The Development-only API reference page: its nonced inline script, and the styles its script injects.</summary>
    public static string ApiReferencePolicy(string nonce) =>
        $"{ContentSecurityPolicy}; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Set when the response starts, so no later middleware (static files, problem details) can drop them.
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.ContentSecurityPolicy = context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce
                ? ApiReferencePolicy(nonce)
                : ContentSecurityPolicy;
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
