namespace SecretShare.Storage.Secrets;

/// <summary>What one atomic decision on a secret came to (docs/design.md, "Tokens and attempts").</summary>
public enum SecretOutcome
{
    /// <summary>The token matched and the change was made.</summary>
    Granted,

    /// <summary>Unknown, expired, burned or deleted: indistinguishable to the caller.</summary>
    Gone,

    /// <summary>
    /// The token did not match. On a passphrase-protected secret one failed attempt was counted in the same atomic step
    /// (and the secret deleted at the limit); elsewhere nothing was written.
    /// </summary>
    WrongToken,

    /// <summary>The token matched, but the secret was created without permission to extend it. Nothing was written.</summary>
    NotExtendable,

    /// <summary>The token matched, but the extension cannot apply within the limits. Nothing was written.</summary>
    OutOfBounds,
}

/// <summary>
/// The result of a repository operation: its outcome, the value when <see cref="SecretOutcome.Granted"/>, and after a
/// counted wrong token the attempts left (<c>null</c> when wrong tokens are not counted on this secret).
/// </summary>
public readonly record struct SecretResult<T>(SecretOutcome Outcome, T? Value = default, int? AttemptsRemaining = null)
{
    public static SecretResult<T> Granted(T value) => new(SecretOutcome.Granted, value);

    public static SecretResult<T> WrongToken(int? attemptsRemaining) => new(SecretOutcome.WrongToken, AttemptsRemaining: attemptsRemaining);

    public static implicit operator SecretResult<T>(SecretOutcome outcome) => new(outcome);
}
