using System.Globalization;

namespace SecretShare.Cli;

/// <summary>Formatting for human-readable messages (stderr); machine output uses ISO 8601 in JSON.</summary>
internal static class Display
{
    public static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Views(int? maxViews) => maxViews switch
    {
        null => "unlimited views",
        1 => "1 view",
        var n => $"{n} views",
    };

    /// <summary>"3 views left, until …" for a secret that is still there.</summary>
    public static string ViewsLeft(int? viewsRemaining, DateTimeOffset expiresAt) => viewsRemaining switch
    {
        null => $"Unlimited views until {Time(expiresAt)}.",
        1 => $"1 view left, until {Time(expiresAt)}.",
        var n => $"{n} views left, until {Time(expiresAt)}.",
    };

    /// <summary>"812 bytes", "1 byte"; exact, because a limit is exact.</summary>
    public static string Bytes(long count) => count == 1 ? "1 byte" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} bytes";

    /// <summary>"2 files (a.txt, 10 bytes; b.bin, 3 bytes)", each by the name it is saved under, not as the sender wrote it.</summary>
    public static string Files(IReadOnlyCollection<SecretShare.Client.SecretFile> files) =>
        $"{(files.Count == 1 ? "1 file" : $"{files.Count} files")} ({string.Join("; ", files.Select(f => $"{SecretShare.Client.SecretFile.SafeFileName(f.Name)}, {Bytes(f.Data.Length)}"))})";
}
