namespace SecretShare.Storage.Postgres;

/// <summary>The EF Core mapping of one row of the <c>secrets</c> table.</summary>
internal sealed class SecretRow
{
    public required string Id { get; init; }
    public required byte[] EncryptedData { get; init; }
    public required byte[] AccessHash { get; init; }
    public required byte[] ManageHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int? MaxViews { get; set; }
    public int Views { get; set; }
    public int FailedAttempts { get; set; }
    public bool Extendable { get; init; }
    public bool PassphraseProtected { get; init; }
}
