using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A span whose parent in this process is not recorded is not recorded either. The filter that keeps health probes out
/// of traces drops only the server span; under the <c>always_on</c> sampler (which Aspire gives its projects) the
/// database call a probe makes would still be exported, as a trace of its own every time a probe runs.
/// </summary>
internal sealed class UnrecordedParentProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (data.Parent is { Recorded: false })
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
