using System.Globalization;
using Amazon.DynamoDBv2.Model;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.DynamoDb;

/// <summary>The DynamoDB item layout of SPEC section 4, and the expression names every request uses.</summary>
internal static class SecretItem
{
    public const string Id = "id";
    public const string EncryptedData = "encrypted_data";
    public const string AccessHash = "access_hash";
    public const string ManageHash = "manage_hash";
    public const string CreatedAt = "created_at";
    public const string ExpiresAt = "expires_at";
    public const string ExpiresAtLimit = "expires_at_limit";
    public const string MaxViews = "max_views";
    public const string Views = "views";
    public const string FailedAttempts = "failed_attempts";
    public const string Extendable = "extendable";
    public const string PassphraseProtected = "passphrase_protected";

    /// <summary>A random id of the last view or failed attempt, which recognises an SDK retry of an applied update.</summary>
    public const string LastRequest = "last_request";

    /// <summary>Every attribute as <c>#name</c>, so that reserved words never matter.</summary>
    public static Dictionary<string, string> Names(params string[] attributes) =>
        attributes.ToDictionary(attribute => "#" + attribute, attribute => attribute);

    /// <summary>All attributes but the ciphertext: what a metadata read needs.</summary>
    public static readonly string[] StateAttributes =
        [Id, AccessHash, ManageHash, CreatedAt, ExpiresAt, ExpiresAtLimit, MaxViews, Views, FailedAttempts, Extendable, PassphraseProtected];

    public static Dictionary<string, AttributeValue> Key(string id) => new() { [Id] = new AttributeValue { S = id } };

    public static Dictionary<string, AttributeValue> From(NewSecret secret)
    {
        var state = secret.State;
        var item = new Dictionary<string, AttributeValue>
        {
            [Id] = new() { S = state.Id },
            [EncryptedData] = Binary(secret.Ciphertext),
            [AccessHash] = Binary(state.AccessHash),
            [ManageHash] = Binary(state.ManageHash),
            [CreatedAt] = new() { S = state.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) },
            [ExpiresAt] = Number(EpochSeconds(state.ExpiresAt)),
            [ExpiresAtLimit] = Number(EpochSeconds(state.ExpiresAtLimit)),
            [Views] = Number(state.Views),
            [FailedAttempts] = Number(state.FailedAttempts),
            [Extendable] = new() { BOOL = state.Extendable },
            [PassphraseProtected] = new() { BOOL = state.PassphraseProtected },
        };
        if (state.MaxViews is { } maxViews)
        {
            item[MaxViews] = Number(maxViews);
        }

        return item;
    }

    public static SecretState ToState(Dictionary<string, AttributeValue> item)
    {
        var createdAt = DateTimeOffset.Parse(item[CreatedAt].S, CultureInfo.InvariantCulture);
        var expiresAt = FromEpochSeconds(item[ExpiresAt]);
        var extendable = item[Extendable].BOOL == true;
        return new(
            Id: item[Id].S,
            AccessHash: item[AccessHash].B.ToArray(),
            ManageHash: item[ManageHash].B.ToArray(),
            CreatedAt: createdAt,
            ExpiresAt: expiresAt,
            ExpiresAtLimit: item.TryGetValue(ExpiresAtLimit, out var limit)
                ? FromEpochSeconds(limit)
                : SecretState.LegacyExpiresAtLimit(createdAt, expiresAt, extendable),
            MaxViews: item.TryGetValue(MaxViews, out var maxViews) ? ToInt(maxViews) : null,
            Views: ToInt(item[Views]),
            FailedAttempts: ToInt(item[FailedAttempts]),
            Extendable: extendable,
            PassphraseProtected: item[PassphraseProtected].BOOL == true);
    }

    public static RevealedSecret ToRevealed(Dictionary<string, AttributeValue> item) => new(
        Ciphertext: item[EncryptedData].B.ToArray(),
        MaxViews: item.TryGetValue(MaxViews, out var maxViews) ? ToInt(maxViews) : null,
        Views: ToInt(item[Views]),
        ExpiresAt: FromEpochSeconds(item[ExpiresAt]));

    public static AttributeValue Binary(byte[] value) => new() { B = new MemoryStream(value, writable: false) };

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>DynamoDB TTL needs whole epoch seconds; the API hands out expiry times on whole seconds for that reason.</summary>
    public static long EpochSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();

    public static int ToInt(AttributeValue value) => int.Parse(value.N, CultureInfo.InvariantCulture);

    public static long ToLong(AttributeValue value) => long.Parse(value.N, CultureInfo.InvariantCulture);

    private static DateTimeOffset FromEpochSeconds(AttributeValue value) => DateTimeOffset.FromUnixTimeSeconds(ToLong(value));
}
