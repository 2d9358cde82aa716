namespace SecretShare.Cli;

/// <summary>A failure the CLI explains in one line and maps to an exit code (no stack trace).</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
