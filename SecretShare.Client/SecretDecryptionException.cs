namespace SecretShare.Client;

/// <summary>
/// A payload could not be decrypted or decoded: wrong link key or passphrase, tampered or corrupt data,
/// or an unsupported protocol version. AES-GCM cannot tell these apart, so neither can this type.
/// </summary>
public sealed class SecretDecryptionException : Exception
{
    public SecretDecryptionException()
        : this("The secret could not be decrypted (wrong key or passphrase, or corrupted data).")
    {
    }

    public SecretDecryptionException(string message) : base(message)
    {
    }

    public SecretDecryptionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
