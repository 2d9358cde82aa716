using System.CommandLine;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare extend LINK</c>: add time and/or views to a secret its creator made extendable.</summary>
internal static class ExtendCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.Link(host);
        var passphrase = CliOptions.LinkPassphrase();
        var passphraseStdin = CliOptions.PassphraseStdin();
        var addTime = new Option<TimeSpan?>("--add-time")
        {
            Description = "Time to add, like 1h, 1d or 7d (units m, h, d, w); the server caps the expiry at its maximum lifetime from now.",
            HelpName = "DURATION",
            CustomParser = CliOptions.ParseDuration,
        };
        var addViews = new Option<int?>("--add-views")
        {
            Description = "Views to add (a secret with unlimited views has none to add; the server bound applies to the total).",
            HelpName = "N",
            CustomParser = CliOptions.ParseCount,
        };
        var server = CliOptions.LinkServer();

        var command = new Command("extend", "Add time or views to an extendable secret (uses no view).") { link, addTime, addViews, passphrase, passphraseStdin, server };
        CliOptions.OnePassphraseSource(command, passphrase, passphraseStdin);
        command.Validators.Add(result =>
        {
            // Presence, not values: a value that failed to parse already has its own error.
            if (result.GetResult(addTime) is null && result.GetResult(addViews) is null)
            {
                result.AddError("Say what to add: --add-time, --add-views or both.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(
                host,
                parse.GetRequiredValue(link),
                CliOptions.ReadPassphrase(parse, passphrase, passphraseStdin, host),
                parse.GetValue(addTime),
                parse.GetValue(addViews),
                parse.GetValue(server),
                cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliHost host, ShareLink link, string? passphrase, TimeSpan? addTime, int? addViews, Uri? server, CancellationToken cancellationToken)
    {
        var extended = await SecretAccess.CallWithLinkAsync(
            host, link, passphrase, server, (sharing, settled) => sharing.ExtendAsync(link, settled, addTime, addViews, cancellationToken), cancellationToken)
            .ConfigureAwait(false);

        await host.Error.WriteLineAsync($"Extended: {Display.ViewsLeft(extended.ViewsRemaining, extended.ExpiresAt)}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
