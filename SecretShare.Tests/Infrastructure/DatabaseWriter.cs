using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SecretShare.Storage.Secrets;

namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// What someone with write access to the database, but not the service's audit key, can do to a trail: change, reorder
/// or remove events and recompute every hash the way an unkeyed chain was computed (plain SHA-256 over the previous
/// hash and the event's bytes), or cut the tail and point the head at an earlier event.
/// </summary>
public static class DatabaseWriter
{
    public static TheoryData<string> Tamperings => ["changed", "reordered", "removed", "cut"];

    /// <summary>The rewrite for <see cref="BackendFixture.RewriteTrailAsync"/>; every tampering touches event 2 or later.</summary>
    public static Func<IReadOnlyList<SecretEvent>, IReadOnlyList<SecretEvent>> Rewrite(string tampering) => events => tampering switch
    {
        "changed" => Rehash([events[0], events[1] with { Type = SecretEventTypes.Extended }, .. events.Skip(2)]),
        "reordered" => Rehash([events[0], events[2], events[1], .. events.Skip(3)]),
        "removed" => Rehash([events[0], .. events.Skip(2)]),
        "cut" => [.. events.Take(events.Count - 1)],
        _ => throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null),
    };

    /// <summary>Numbers the events 1..n again and recomputes every link with plain SHA-256.</summary>
    public static IReadOnlyList<SecretEvent> Rehash(IReadOnlyList<SecretEvent> events)
    {
        var previous = new byte[32];
        var result = new List<SecretEvent>();
        foreach (var (e, index) in events.Select((e, i) => (e, i)))
        {
            var seq = index + 1;
            var bytes = Encoding.UTF8.GetBytes(string.Join('\n', "secretshare-event-v1", e.SecretId, seq.ToString(CultureInfo.InvariantCulture), e.Type,
                e.OccurredAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), e.ViewsRemaining?.ToString(CultureInfo.InvariantCulture) ?? "", e.Detail ?? ""));
            var hash = SHA256.HashData([.. previous, .. bytes]);
            result.Add(e with { Seq = seq, PrevHash = previous, Hash = hash });
            previous = hash;
        }

        return result;
    }
}
