using System.ComponentModel.DataAnnotations;

namespace SecretShare.Storage;

/// <summary>Storage settings shared by the API and the cleanup worker (section <c>SecretShare:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "SecretShare:Storage";

    /// <summary>How long start-up keeps retrying an unreachable database before giving up.</summary>
    [Range(0, 3600)]
    public int StartupTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a secret's events outlive it (after it burned, was deleted or expired); 7 days by default.</summary>
    [Range(1, 31_536_000)]
    public int EventRetentionSeconds { get; set; } = 604_800;

    public TimeSpan EventRetention => TimeSpan.FromSeconds(EventRetentionSeconds);
}
