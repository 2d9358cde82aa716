namespace SecretShare.Cli;

/// <summary>Process exit codes; documented in --help and README.md, so scripts can rely on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad arguments or input, including values the server rejected (400, 413).</summary>
    public const int Usage = 1;

    /// <summary>404: the secret expired, was used up, deleted, or never existed (the server cannot tell).</summary>
    public const int Gone = 2;

    /// <summary>403 wrong passphrase or token, or a payload that does not decrypt.</summary>
    public const int WrongPassphrase = 3;

    /// <summary>The server could not be reached or answered with an unexpected error.</summary>
    public const int ServerError = 4;

    /// <summary>429: too many requests from this address.</summary>
    public const int RateLimited = 5;

    /// <summary>status: the receipt does not check out on this device (see docs/spec.md, "Receipts").</summary>
    public const int Tampered = 6;

    public const string HelpText = """
        Exit codes:
          0  success
          1  usage error (bad arguments or input, missing passphrase, value rejected by the server)
          2  gone: the secret expired, was viewed the allowed number of times, or was deleted
          3  wrong passphrase (the attempts left are printed; at 0 the secret is deleted)
          4  network or server error
          5  rate limited (the wait is printed)
          6  status: the receipt does not check out on this device (history changed, reordered, removed or cut back,
             a bad signature or an unannounced key change), or a --verify file was changed
        """;
}
