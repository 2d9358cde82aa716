using Microsoft.AspNetCore.Http.Features;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// Lets requests that are still uploading their body when graceful shutdown (SIGTERM) begins complete normally.
/// </summary>
/// <remarks>
/// At shutdown Kestrel cancels the pending read of every connection. Its request-body PipeReader hides that
/// cancellation from the application unless the reader examined bytes it did not consume, which is exactly what
/// System.Text.Json's PipeReader deserializer (used by .NET 10 minimal APIs) does; it then throws
/// OperationCanceledException and the request ends in a 500. A PipeReader over the request body stream consumes all
/// it reads from Kestrel, so the shutdown cancellation is ignored and the body keeps arriving.
/// </remarks>
public static class ShutdownSafeRequestBodies
{
    public static IApplicationBuilder UseShutdownSafeRequestBodies(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            context.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(context));
        }

        return next(context);
    });
}
