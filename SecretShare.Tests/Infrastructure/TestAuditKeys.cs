namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// The audit key every test server runs with, as an operator would configure it; Production refuses to start without
/// one. Its bytes (0x00..0x1f) are the key of the receipt test vector in docs/spec.md.
/// </summary>
public static class TestAuditKeys
{
    public const string KeyId = "test-2026";

    public static string Key { get; } = Convert.ToBase64String([.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    /// <summary>The key as configuration settings (<c>SecretShare:Audit:…</c>).</summary>
    public static Dictionary<string, string?> Settings(string keyId = KeyId, string? key = null) => new()
    {
        ["SecretShare:Audit:CurrentKeyId"] = keyId,
        [$"SecretShare:Audit:Keys:{keyId}"] = key ?? Key,
    };

    /// <summary>A key ring holding only the test key, for tests without a server.</summary>
    public static SecretShare.Storage.Audit.AuditKeyRing Ring() => new(
        Microsoft.Extensions.Options.Options.Create(new SecretShare.Storage.Audit.AuditOptions { CurrentKeyId = KeyId, Keys = { [KeyId] = Key } }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<SecretShare.Storage.Audit.AuditKeyRing>.Instance);

    /// <summary>The same as environment variables.</summary>
    public static Dictionary<string, string?> Environment() =>
        Settings().ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);
}
