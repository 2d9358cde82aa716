using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using SecretShare.Storage;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// Turns what escapes an endpoint into problem+json: malformed requests into their 4xx, a storage outage into a
/// quick 503 the client may retry. Messages name fields and limits, never request content.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = new ProblemDetailsContext { HttpContext = context, Exception = exception };
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                problem.ProblemDetails.Status = StatusCodes.Status413PayloadTooLarge;
                problem.ProblemDetails.Title = "Payload too large";
                problem.ProblemDetails.Detail = "The request body exceeds the size limit.";
                break;

            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                problem.ProblemDetails.Status = StatusCodes.Status415UnsupportedMediaType;
                problem.ProblemDetails.Title = "Unsupported media type";
                problem.ProblemDetails.Detail = "Send the body as application/json.";
                break;

            case InvalidOperationException { InnerException: ArgumentException } unknownCharset
                when unknownCharset.TargetSite?.DeclaringType == typeof(HttpRequestJsonExtensions):
                // "Content-Type: application/json; charset=<unknown>": the framework cannot decode the body at all.
                problem.ProblemDetails.Status = StatusCodes.Status415UnsupportedMediaType;
                problem.ProblemDetails.Title = "Unsupported media type";
                problem.ProblemDetails.Detail = "Send the body as application/json in UTF-8.";
                break;

            case BadHttpRequestException badRequest:
                problem.ProblemDetails.Status = badRequest.StatusCode;
                problem.ProblemDetails.Title = "Invalid request";
                problem.ProblemDetails.Detail = Describe(badRequest);
                if (FindJsonPath(badRequest) is { } field)
                {
                    problem.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]>
                    {
                        [field] = ["Has the wrong type or is malformed."],
                    };
                }

                break;

            case var outage when StorageErrors.IsUnavailable(outage):
                LogStorageUnavailable(exception.GetType().Name);
                StorageErrors.DropIdleConnectionsAfter(outage);
                problem.ProblemDetails.Status = StatusCodes.Status503ServiceUnavailable;
                problem.ProblemDetails.Title = "Storage unavailable";
                problem.ProblemDetails.Detail = "The database cannot be reached right now. Nothing was changed; try again shortly.";
                context.Response.Headers.RetryAfter = "5";
                break;

            default:
                return false;
        }

        context.Response.StatusCode = problem.ProblemDetails.Status.Value;
        return await problemDetails.TryWriteAsync(problem);
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { Length: > 1 } path } => $"The JSON body has an invalid value at '{path}'. Numbers must be JSON numbers, not strings.",
        JsonException => "The body is not valid JSON.",
        _ when exception.Message.Contains("body was not provided", StringComparison.OrdinalIgnoreCase) ||
               exception.Message.Contains("Required parameter", StringComparison.OrdinalIgnoreCase)
            => "A JSON body is required.",
        _ => "The request is malformed.",
    };

    private static string? FindJsonPath(BadHttpRequestException exception) =>
        exception.InnerException is JsonException { Path: { Length: > 2 } path } && path.StartsWith("$.", StringComparison.Ordinal)
            ? path[2..]
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage unavailable ({ExceptionType}); answered 503")]
    private partial void LogStorageUnavailable(string exceptionType);
}
