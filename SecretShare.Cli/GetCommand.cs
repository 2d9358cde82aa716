using System.CommandLine;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare get LINK</c>: reveal (uses one view), decrypt locally, print the text.</summary>
internal static class GetCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.Link();
        var passphrase = CliOptions.LinkPassphrase();
        var server = CliOptions.LinkServer();

        var command = new Command("get", "Reveal a secret (uses one view) and print it to stdout.") { link, passphrase, server };
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(host, parse.GetRequiredValue(link), parse.GetValue(passphrase), parse.GetValue(server), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, ShareLink link, string? passphrase, Uri? server, CancellationToken cancellationToken)
    {
        var opened = await SecretAccess.CallWithLinkAsync(
            host, link, passphrase, server, (sharing, settled) => sharing.RevealAsync(link, settled, cancellationToken), cancellationToken)
            .ConfigureAwait(false);

        // Data exactly as sent, so `get > file` reproduces it; a terminal gets a final newline.
        await host.Out.WriteAsync(opened.Text).ConfigureAwait(false);
        if (!host.IsOutputRedirected && !opened.Text.EndsWith('\n'))
        {
            await host.Out.WriteLineAsync().ConfigureAwait(false);
        }

        await host.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        await host.Error.WriteLineAsync(opened.Burned
            ? "That was the last view: the secret is now deleted."
            : Display.ViewsLeft(opened.ViewsRemaining, opened.ExpiresAt)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
