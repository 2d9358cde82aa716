using System.CommandLine;
using System.Net;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare delete LINK</c>: delete a secret now, with the link (and passphrase) or the manage token.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.Link(host);
        var passphrase = CliOptions.LinkPassphrase();
        var passphraseStdin = CliOptions.PassphraseStdin();
        var manageToken = new Option<string?>("--manage-token")
        {
            Description = "Delete with the manage token printed by 'send' instead of the link's key and passphrase.",
            HelpName = "TOKEN",
        };
        var server = CliOptions.LinkServer();

        var command = new Command("delete", "Delete a secret now, before it expires or is used up.") { link, passphrase, passphraseStdin, manageToken, server };
        CliOptions.OnePassphraseSource(command, passphrase, passphraseStdin);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(passphrase) is not null || result.GetValue(passphraseStdin)) && result.GetValue(manageToken) is not null)
            {
                result.AddError("Use either a passphrase or --manage-token, not both.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(
                host,
                parse.GetRequiredValue(link),
                CliOptions.ReadPassphrase(parse, passphrase, passphraseStdin, host),
                parse.GetValue(manageToken),
                parse.GetValue(server),
                cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliHost host, ShareLink link, string? passphrase, string? manageToken, Uri? server, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(manageToken))
        {
            await SecretAccess.CallWithLinkAsync(
                host,
                link,
                passphrase,
                server,
                async (sharing, settled) =>
                {
                    await sharing.DeleteAsync(link, settled, cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var http = CliApp.CreateHttpClient(host);
            var sharing = new SecretSharing(new SecretShareClient(http, SecretAccess.ResolveServer(host, server, link)));
            try
            {
                await sharing.DeleteWithManageTokenAsync(link, manageToken.Trim(), cancellationToken).ConfigureAwait(false);
            }
            catch (SecretShareApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new CliException(ExitCodes.WrongPassphrase, "The manage token was not accepted." + CliApp.AttemptsText(ex.AttemptsRemaining));
            }
        }

        await host.Error.WriteLineAsync("Deleted.").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
