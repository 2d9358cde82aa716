using System.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Names the HTTP client spans of AWS SDK calls after the operation (<c>DynamoDB.UpdateItem</c>) instead of a bare
/// <c>POST</c>. The SDK's own OpenTelemetry tracing needs OpenTelemetry.Instrumentation.AWS
/// (why it is not used: docs/design.md); every SDK call is one HTTP request, so its client span stands for the call.
/// </summary>
internal static class DynamoDbSpans
{
    // The JSON protocol's operation header: "DynamoDB_20120810.UpdateItem".
    private const string TargetHeader = "X-Amz-Target";

    public static void Describe(Activity activity, HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues(TargetHeader, out var targets))
        {
            return;
        }

        var target = targets.First();
        var dot = target.LastIndexOf('.');
        if (dot < 0)
        {
            return;
        }

        var service = target[..dot].Split('_')[0];
        var operation = target[(dot + 1)..];
        activity.DisplayName = $"{service}.{operation}";
        activity.SetTag("rpc.system", "aws-api");
        activity.SetTag("rpc.service", service);
        activity.SetTag("rpc.method", operation);
    }
}
