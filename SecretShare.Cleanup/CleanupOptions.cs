using System.ComponentModel.DataAnnotations;

namespace SecretShare.Cleanup;

/// <summary>Section <c>SecretShare:Cleanup</c>.</summary>
public sealed class CleanupOptions
{
    public const string SectionName = "SecretShare:Cleanup";

    [Range(1, 86_400)]
    public int IntervalSeconds { get; set; } = 300;

    /// <summary>Rows per DELETE statement: bounds each transaction's locks and duration.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1000;
}
