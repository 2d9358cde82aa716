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
    public static Option<string?> LinkPassphrase() =>
        Passphrase("The passphrase, if the secret has one (prompted for on a terminal when omitted).");

    /// <summary>--server for commands that open an existing link, which names its own server.</summary>
    public static Option<Uri?> LinkServer()
    {
        var server = Server();
        server.Description = $"Server base URL (default: ${ServerEnvironmentVariable}, else the link's own).";
        return server;
    }

    public static Argument<ShareLink> Link() =>
        LinkArgument("link", "The share link, including the part after '#'.", ShareLink.Parse);

    /// <summary>The creator's private status link, as printed by send and shown by the web UI.</summary>
    public static Argument<StatusLink> StatusLinkArgument() => LinkArgument(
        "status-link",
        "The private status link printed by 'send' (…/m/{id}#{manageToken}), including the part after '#'.",
        StatusLink.Parse);

    public static Argument<FillInLink> FillInLinkArgument() => LinkArgument(
        "link", "The fill-in link you were sent (…/r/{id}#{fingerprint}), including the part after '#'.", FillInLink.Parse);

    public static Argument<InboxLink> InboxLinkArgument() => LinkArgument(
        "inbox-link", "The private inbox link printed by 'request' (…/i/{id}#{key}.{token}), including the part after '#'.", InboxLink.Parse);

    private static Argument<T> LinkArgument<T>(string name, string description, Func<string, T> parse) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            try
            {
                return parse(result.Tokens.Single().Value);
            }
            catch (FormatException ex)
            {
                result.AddError(ex.Message);
                return default!;
            }
        },
    };

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
