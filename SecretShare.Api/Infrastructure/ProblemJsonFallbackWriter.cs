using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace SecretShare.Api.Infrastructure;

/// <summary>
/// SPEC section 2: errors are problem+json, whatever the client's Accept header says. The framework's writer declines
/// when Accept excludes JSON (say <c>application/xml</c>), which left 405s and unmatched 404s as text/plain and
/// exception-mapped 4xx with an empty body. Registered after it, this writer takes every problem it declines.
/// </summary>
public sealed class ProblemJsonFallbackWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json"));
    }
}
