namespace SecretShare.Hosting;

/// <summary>
/// A configuration problem the operator must fix. Hosts print its message as one line and exit non-zero,
/// without a stack trace (SPEC section 4).
/// </summary>
public sealed class StartupConfigurationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
