using System.ComponentModel.DataAnnotations;

namespace SecretShare.Storage;

/// <summary>Storage settings shared by the API and the cleanup worker (section <c>SecretShare:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "SecretShare:Storage";

    /// <summary>How long start-up keeps retrying an unreachable database before giving up.</summary>
    [Range(0, 3600)]
    public int StartupTimeoutSeconds { get; set; } = 30;
}
