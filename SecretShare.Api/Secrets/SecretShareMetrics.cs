using System.Diagnostics.Metrics;
using SecretShare.Storage.Secrets;

namespace SecretShare.Api.Secrets;

/// <summary>The <c>SecretShare</c> meter: counts of what happens to secrets, never anything about which secret.</summary>
public sealed class SecretShareMetrics
{
    private readonly Counter<long> created;
    private readonly Counter<long> revealed;
    private readonly Counter<long> burned;
    private readonly Counter<long> deleted;
    private readonly Counter<long> failedAttempts;
    private readonly Counter<long> rateLimited;

    public SecretShareMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Extensions.SecretShareMeterName);
        created = meter.CreateCounter<long>("secretshare.secrets.created", "{secret}", "Secrets created");
        revealed = meter.CreateCounter<long>("secretshare.secrets.revealed", "{view}", "Views taken by reveals");
        burned = meter.CreateCounter<long>("secretshare.secrets.burned", "{secret}", "Secrets destroyed by their last view or by failed attempts");
        deleted = meter.CreateCounter<long>("secretshare.secrets.deleted", "{secret}", "Secrets deleted on request, by their creator or a recipient");
        failedAttempts = meter.CreateCounter<long>("secretshare.access.failed_attempts", "{attempt}", "Requests with a wrong token");
        rateLimited = meter.CreateCounter<long>("secretshare.requests.rate_limited", "{request}", "Requests refused by a rate limit");
    }

    public void Created() => created.Add(1);

    public void Revealed() => revealed.Add(1);

    /// <param name="reason"><c>last_view</c> or <c>failed_attempts</c>, as the <c>burned</c> event's detail.</param>
    public void Burned(string reason) => burned.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A delete is not a burn, as in the events: <c>by</c> is <c>creator</c> or <c>recipient</c>, the <c>deleted</c> event's detail.</summary>
    public void Deleted(DeletedBy by) =>
        deleted.Add(1, new KeyValuePair<string, object?>("by", by == DeletedBy.Creator ? SecretEventDetails.Creator : SecretEventDetails.Recipient));

    public void FailedAttempt() => failedAttempts.Add(1);

    public void RateLimited(string policy) => rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));
}
