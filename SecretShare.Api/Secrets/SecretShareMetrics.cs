using System.Diagnostics.Metrics;

namespace SecretShare.Api.Secrets;

/// <summary>The <c>SecretShare</c> meter: counts of what happens to secrets, never anything about which secret.</summary>
public sealed class SecretShareMetrics
{
    private readonly Counter<long> created;
    private readonly Counter<long> revealed;
    private readonly Counter<long> burned;
    private readonly Counter<long> failedAttempts;
    private readonly Counter<long> rateLimited;

    public SecretShareMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Extensions.SecretShareMeterName);
        created = meter.CreateCounter<long>("secretshare.secrets.created", "{secret}", "Secrets created");
        revealed = meter.CreateCounter<long>("secretshare.secrets.revealed", "{view}", "Views taken by reveals");
        burned = meter.CreateCounter<long>("secretshare.secrets.burned", "{secret}", "Secrets deleted by their last view, by failed attempts or by their owner");
        failedAttempts = meter.CreateCounter<long>("secretshare.access.failed_attempts", "{attempt}", "Requests with a wrong token");
        rateLimited = meter.CreateCounter<long>("secretshare.requests.rate_limited", "{request}", "Requests refused by a rate limit");
    }

    public void Created() => created.Add(1);

    public void Revealed() => revealed.Add(1);

    /// <param name="reason"><c>last_view</c>, <c>failed_attempts</c> or <c>deleted</c>.</param>
    public void Burned(string reason) => burned.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FailedAttempt() => failedAttempts.Add(1);

    public void RateLimited(string policy) => rateLimited.Add(1, new KeyValuePair<string, object?>("policy", policy));
}
