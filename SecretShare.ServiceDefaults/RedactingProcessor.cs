using System.Diagnostics;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Removes the tags that can carry a secret id (the request path) or a connection string from every span before it is
/// exported (the exporter is always the last processor). Npgsql records statements, never parameter values; its
/// <c>db.npgsql.data_source</c> is the connection string of a data source that has no name.
/// </summary>
internal sealed class RedactingProcessor : BaseProcessor<Activity>
{
    private static readonly string[] SensitiveTags =
        ["url.full", "url.path", "url.query", "http.target", "http.url", "db.connection_string", "db.npgsql.data_source"];
    public override void OnEnd(Activity data)
    {
        foreach (var tag in SensitiveTags)
        {
            data.SetTag(tag, null);
        }
    }
}
