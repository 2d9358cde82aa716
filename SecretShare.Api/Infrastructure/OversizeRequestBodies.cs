using Microsoft.Extensions.Options;
using SecretShare.Api.Secrets;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// Announces <c>Connection: close</c> when a request declares a body above the size limit. When nothing reads such a
/// body (HEAD, 405, a static file), Kestrel answers first and then cannot drain the body for keep-alive, so it closes
/// a connection the client was told it could reuse, and the client's next request on it fails. (When the endpoint
/// does read it, Kestrel itself answers 413 and closes.)
/// </summary>
public static class OversizeRequestBodies
{
    public static IApplicationBuilder UseCloseForOversizeRequestBodies(this IApplicationBuilder app)
    {
        var limit = app.ApplicationServices.GetRequiredService<IOptions<SecretLimitsOptions>>().Value.MaxRequestBodyBytes;
        return app.Use((context, next) =>
        {
            if (context.Request.ContentLength > limit)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
    }
}
