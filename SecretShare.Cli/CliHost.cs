using System.Collections;
using System.Text;

namespace SecretShare.Cli;

/// <summary>
/// Everything the CLI touches outside itself: standard streams, environment, terminal and HTTP
/// transport. <see cref="FromConsole"/> is the real process; tests build one around StringReader and
/// StringWriter, with an optional handler to reach an in-memory server.
/// </summary>
public sealed class CliHost
{
    public required TextReader In { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>False when stdin is a terminal: then the CLI may prompt, and hints how to end input.</summary>
    public bool IsInputRedirected { get; init; } = true;

    /// <summary>False when stdout is a terminal: then revealed text gets a final newline if it lacks one.</summary>
    public bool IsOutputRedirected { get; init; } = true;

    /// <summary>False when stderr is a terminal: then control characters in messages are escaped too.</summary>
    public bool IsErrorRedirected { get; init; } = true;

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Where files of a last view are saved when <c>get</c> has no <c>--output</c>.</summary>
    public string WorkingDirectory { get; init; } = System.Environment.CurrentDirectory;

    /// <summary>Transport for API calls; null for the default. Not disposed by the CLI.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>Reads a line without echo after printing the prompt to stderr; null where there is no terminal.</summary>
    public Func<string, string?>? ReadHiddenLine { get; init; }

    /// <summary>Whether passphrase prompts are possible: a terminal on stdin and a way to read without echo.</summary>
    public bool CanPrompt => !IsInputRedirected && ReadHiddenLine is not null;

    /// <summary>True for the real console: only then does the CLI hook Ctrl-C and SIGTERM.</summary>
    internal bool IsProcessConsole { get; init; }

    /// <summary>Set from <c>--insecure</c>: plain http to a host that is not this machine is allowed.</summary>
    internal bool AllowInsecureTransport { get; set; }

    /// <summary>This host with stdout and stderr escaped where they are a terminal (<see cref="TerminalWriter"/>).</summary>
    internal CliHost ForTerminal() => IsOutputRedirected && IsErrorRedirected
        ? this
        : new CliHost
        {
            In = In,
            Out = IsOutputRedirected ? Out : new TerminalWriter(Out),
            Error = IsErrorRedirected ? Error : new TerminalWriter(Error),
            IsInputRedirected = IsInputRedirected,
            IsOutputRedirected = IsOutputRedirected,
            IsErrorRedirected = IsErrorRedirected,
            Environment = Environment,
            WorkingDirectory = WorkingDirectory,
            HttpHandler = HttpHandler,
            ReadHiddenLine = ReadHiddenLine,
            IsProcessConsole = IsProcessConsole,
        };

    public string? GetEnvironmentVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public static CliHost FromConsole()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = entry.Value as string ?? "";
        }

        return new CliHost
        {
            In = Console.In,
            Out = Console.Out,
            Error = Console.Error,
            IsInputRedirected = Console.IsInputRedirected,
            IsOutputRedirected = Console.IsOutputRedirected,
            IsErrorRedirected = Console.IsErrorRedirected,
            Environment = environment,
            ReadHiddenLine = ReadHiddenLineFromConsole,
            IsProcessConsole = true,
        };
    }

    private static string? ReadHiddenLineFromConsole(string prompt)
    {
        Console.Error.Write(prompt);
        var line = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (line.Length > 0)
                {
                    line.Length--;
                }
            }
            else if (key.Key == ConsoleKey.D && key.Modifiers.HasFlag(ConsoleModifiers.Control))
            {
                Console.Error.WriteLine();
                return null;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                line.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return line.ToString();
    }
}
