using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>Options shared by several commands, and the parsers for views and durations.</summary>
internal static partial class CliOptions
{
    public const string ServerEnvironmentVariable = "SECRETSHARE_URL";
    public const string LinkEnvironmentVariable = "SECRETSHARE_LINK";
    public const string StatusLinkEnvironmentVariable = "SECRETSHARE_STATUS_LINK";
    public const string InboxLinkEnvironmentVariable = "SECRETSHARE_INBOX_LINK";
    public const string PassphraseEnvironmentVariable = "SECRETSHARE_PASSPHRASE";
    public const string InsecureName = "--insecure";

    /// <summary>The argument value that means "read it from standard input" (one line).</summary>
    private const string StandardInput = "-";

    /// <summary>Allows plain http to another machine; on every command.</summary>
    public static Option<bool> Insecure() => new(InsecureName)
    {
        Description = "Allow a plain http:// server that is not this machine (tokens and ciphertext then travel unencrypted).",
        Recursive = true,
    };

    public static Option<Uri?> Server() => new("--server")
    {
        Description = $"Server base URL, e.g. https://secrets.example.com (default: ${ServerEnvironmentVariable}).",
        HelpName = "URL",
        CustomParser = ParseServer,
    };

    public static Option<string?> Passphrase(string description) => new("--passphrase", "-p")
    {
        Description = description,
        HelpName = "P",
    };

    /// <summary>--passphrase for commands that open an existing link.</summary>
    public static Option<string?> LinkPassphrase() => Passphrase(
        $"The passphrase, if the secret has one. Visible in shell history and process lists: prefer --passphrase-stdin or "
        + $"${PassphraseEnvironmentVariable} (default), or the prompt on a terminal.");

    /// <summary>--passphrase-stdin for commands that open an existing link.</summary>
    public static Option<bool> PassphraseStdin() => new("--passphrase-stdin")
    {
        Description = "Read the passphrase from the first line of standard input (the second when the link is '-').",
    };

    /// <summary>--passphrase, else one line of stdin with --passphrase-stdin; null leaves $SECRETSHARE_PASSPHRASE and the prompt.</summary>
    public static string? ReadPassphrase(ParseResult parse, Option<string?> passphrase, Option<bool> stdin, CliHost host)
    {
        if (!parse.GetValue(stdin))
        {
            return parse.GetValue(passphrase);
        }

        var line = host.In.ReadLine();
        return string.IsNullOrEmpty(line) ? throw CliException.Usage("--passphrase-stdin: no passphrase on standard input.") : line;
    }

    /// <summary>Refuses --passphrase with --passphrase-stdin.</summary>
    public static void OnePassphraseSource(Command command, Option<string?> passphrase, Option<bool> stdin) =>
        command.Validators.Add(result =>
        {
            if (result.GetValue(passphrase) is not null && result.GetValue(stdin))
            {
                result.AddError("Use either --passphrase or --passphrase-stdin, not both.");
            }
        });

    /// <summary>--server for commands that open an existing link, which names its own server.</summary>
    public static Option<Uri?> LinkServer()
    {
        var server = Server();
        server.Description = $"Server base URL (default: ${ServerEnvironmentVariable}, else the link's own).";
        return server;
    }

    public static Argument<ShareLink> Link(CliHost host) =>
        LinkArgument(host, "link", LinkEnvironmentVariable, "The share link, including the part after '#'.", ShareLink.Parse);

    /// <summary>The creator's private status link, as printed by send and shown by the web UI.</summary>
    /// <summary>Optional, because <c>status --verify FILE</c> needs none: the command says what is missing.</summary>
    public static Argument<StatusLink?> StatusLinkArgument(CliHost host) => LinkArgument<StatusLink?>(
        host,
        "status-link",
        StatusLinkEnvironmentVariable,
        "The private status link printed by 'send' (…/status/{id}#{manageToken}), including the part after '#'.",
        StatusLink.Parse,
        required: false);

    /// <summary>
    /// For <c>delete</c>: the share link, or the private status link, whose manage token deletes without the key or the
    /// passphrase.
    /// </summary>
    public static Argument<DeletionLink> DeletionLinkArgument(CliHost host) => LinkArgument(
        host,
        "link",
        LinkEnvironmentVariable,
        "The share link, or the private status link printed by 'send' (…/status/{id}#{manageToken}), including the part after '#'.",
        DeletionLink.Parse);

    public static Argument<FillInLink> FillInLinkArgument(CliHost host) => LinkArgument(
        host, "link", LinkEnvironmentVariable, "The fill-in link you were sent (…/r/{id}#{fingerprint}), including the part after '#'.", FillInLink.Parse);

    public static Argument<InboxLink> InboxLinkArgument(CliHost host) => LinkArgument(
        host,
        "inbox-link",
        InboxLinkEnvironmentVariable,
        "The private inbox link printed by 'request' (…/i/{id}#{key}.{token}), including the part after '#'.",
        InboxLink.Parse);

    /// <summary>
    /// A link from the command line, or (so that its key stays out of shell history and process lists) from one line of
    /// standard input when given as '-', or from an environment variable when omitted.
    /// </summary>
    private static Argument<T> LinkArgument<T>(
        CliHost host, string name, string environmentVariable, string description, Func<string, T> parse, bool required = true)
    {
        T Parse(ArgumentResult result)
        {
            var token = result.Tokens.SingleOrDefault()?.Value;
            var text = token switch
            {
                null => host.GetEnvironmentVariable(environmentVariable),
                StandardInput => host.In.ReadLine(),
                _ => token,
            };
            if (string.IsNullOrWhiteSpace(text) && token is null && !required)
            {
                return default!;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                result.AddError(token is null
                    ? $"No {name}: pass it, '-' to read it from standard input, or set {environmentVariable}."
                    : $"No {name} on standard input.");
                return default!;
            }

            try
            {
                return parse(text);
            }
            catch (FormatException ex)
            {
                result.AddError(ex.Message);
                return default!;
            }
        }

        return new Argument<T>(name)
        {
            Description = $"{description} '-': read it from standard input. Omitted: ${environmentVariable}.",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = Parse,
            DefaultValueFactory = Parse,
        };
    }

    /// <summary>"unlimited" or a positive number; the server enforces its own upper bound.</summary>
    public static ViewLimit? ParseViews(ArgumentResult result) =>
        string.Equals(result.Tokens.Single().Value.Trim(), "unlimited", StringComparison.OrdinalIgnoreCase)
            ? ViewLimit.Unlimited
            : ParseCount(result, "a positive number or 'unlimited'") is { } count ? ViewLimit.Of(count) : null;

    /// <summary>A positive whole number; the server enforces its own upper bound.</summary>
    public static int? ParseCount(ArgumentResult result) => ParseCount(result, "a positive number");

    private static int? ParseCount(ArgumentResult result, string expected)
    {
        var text = result.Tokens.Single().Value.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return count;
        }

        result.AddError($"{OptionName(result)} must be {expected}, not '{text}'.");
        return null;
    }

    /// <summary>A duration such as 30m, 1h, 1d, 7d, 30d or 2w.</summary>
    public static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        var match = DurationPattern().Match(text);
        if (match.Success
            && int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n > 0)
        {
            var duration = match.Groups["unit"].Value.ToLowerInvariant() switch
            {
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7L * n),
            };

            // The API counts seconds in a 32-bit number; anything longer is refused here, not by an overflow later.
            if (duration.TotalSeconds <= int.MaxValue)
            {
                return duration;
            }
        }

        result.AddError($"{OptionName(result)} must be a duration like 1h, 1d, 7d or 30d (units m, h, d, w), not '{text}'.");
        return null;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : "The value";

    private static Uri? ParseServer(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        if (TryParseServer(text, out var uri))
        {
            return uri;
        }

        result.AddError($"--server must be an http or https URL, not '{text}'.");
        return null;
    }

    public static bool TryParseServer(string text, out Uri uri)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(parsed.Query) && string.IsNullOrEmpty(parsed.Fragment))
        {
            uri = parsed;
            return true;
        }

        uri = null!;
        return false;
    }

    [GeneratedRegex("^(?<n>[0-9]{1,6})(?<unit>[mhdwMHDW])$")]
    private static partial Regex DurationPattern();
}
