using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Secrets;
using static SecretShare.Storage.DynamoDb.SecretItem;

namespace SecretShare.Storage.DynamoDb;

/// <summary>
/// The events table's layout: partition key <c>secret_id</c>, sort key <c>seq</c>. Item <c>seq = 0</c> is the audit
/// head; items 1..n are the events. Every item carries <c>retain_until</c>, the table's TTL attribute.
/// </summary>
internal static class AuditItem
{
    public const string SecretId = "secret_id";
    public const string Seq = "seq";
    public const string RetainUntil = "retain_until";

    // The head.
    public const string LastSeq = "last_seq";
    public const string LastHash = "last_hash";
    public const string Closed = "closed";
    public const string FoldedViewed = "folded_viewed";
    public const string FoldedExtended = "folded_extended";
    public const string FoldedFailedAttempts = "folded_failed_attempts";
    public const string HeadMac = "head_mac";

    // The head and every event: the audit key their keyed hash was made with.
    public const string KeyId = "key_id";

    // An event.
    public const string Type = "type";
    public const string OccurredAt = "occurred_at";
    public const string ViewsRemaining = "views_remaining";
    public const string Detail = "detail";
    public const string PrevHash = "prev_hash";
    public const string Hash = "hash";

    public const int HeadSeq = 0;

    public static Dictionary<string, AttributeValue> Key(string id, int seq) =>
        new() { [SecretId] = new AttributeValue { S = id }, [Seq] = Number(seq) };

    public static Dictionary<string, AttributeValue> NewHead(SecretState state, DateTimeOffset retainUntil) => new()
    {
        [SecretId] = new() { S = state.Id },
        [Seq] = Number(HeadSeq),
        [ManageHash] = Binary(state.ManageHash),
        [LastSeq] = Number(0),
        [LastHash] = Binary(EventChain.Genesis),
        [ExpiresAt] = Number(EpochSeconds(state.ExpiresAt)),
        [Closed] = new() { BOOL = false },
        [RetainUntil] = Number(EpochSeconds(retainUntil)),
    };

    public static Dictionary<string, AttributeValue> From(SecretEvent e, DateTimeOffset retainUntil)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [SecretId] = new() { S = e.SecretId },
            [Seq] = Number(e.Seq),
            [Type] = new() { S = e.Type },
            [OccurredAt] = Number(EpochSeconds(e.OccurredAt)),
            [PrevHash] = Binary(e.PrevHash),
            [Hash] = Binary(e.Hash),
            [RetainUntil] = Number(EpochSeconds(retainUntil)),
        };
        if (e.KeyId is { } keyId)
        {
            item[KeyId] = new() { S = keyId };
        }

        if (e.ViewsRemaining is { } views)
        {
            item[ViewsRemaining] = Number(views);
        }

        if (e.Detail is { } detail)
        {
            item[Detail] = new() { S = detail };
        }

        return item;
    }

    public static AuditHead ToHead(Dictionary<string, AttributeValue> item) => new(
        SecretId: item[SecretId].S,
        ManageHash: item[ManageHash].B.ToArray(),
        LastSeq: ToInt(item[LastSeq]),
        LastHash: item[LastHash].B.ToArray(),
        ExpiresAt: DateTimeOffset.FromUnixTimeSeconds(ToLong(item[ExpiresAt])),
        Closed: item[Closed].BOOL == true,
        Folded: new FoldedEvents(Count(item, FoldedViewed), Count(item, FoldedExtended), Count(item, FoldedFailedAttempts)),
        KeyId: item.TryGetValue(KeyId, out var keyId) ? keyId.S : null,
        Mac: item.TryGetValue(HeadMac, out var mac) ? mac.B.ToArray() : null);

    // Heads written before trails were capped have no counts.
    private static int Count(Dictionary<string, AttributeValue> item, string attribute) =>
        item.TryGetValue(attribute, out var value) ? ToInt(value) : 0;

    public static SecretEvent ToEvent(Dictionary<string, AttributeValue> item) => new(
        SecretId: item[SecretId].S,
        Seq: ToInt(item[Seq]),
        Type: item[Type].S,
        OccurredAt: DateTimeOffset.FromUnixTimeSeconds(ToLong(item[OccurredAt])),
        ViewsRemaining: item.TryGetValue(ViewsRemaining, out var views) ? ToInt(views) : null,
        Detail: item.TryGetValue(Detail, out var detail) ? detail.S : null,
        PrevHash: item[PrevHash].B.ToArray(),
        Hash: item[Hash].B.ToArray(),
        KeyId: item.TryGetValue(KeyId, out var keyId) ? keyId.S : null);
}
