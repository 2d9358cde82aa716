using System.CommandLine;
using System.Net;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>What <c>delete</c> was given: the share link (with its key), or the private status link (with the manage token).</summary>
internal sealed record DeletionLink(ShareLink? Share, StatusLink? Status)
{
    public string Id => Share?.Id ?? Status!.Id;

    public Uri BaseUrl => Share?.BaseUrl ?? Status!.BaseUrl;

    /// <exception cref="FormatException">Neither link form; the message is the share link's.</exception>
    public static DeletionLink Parse(string text)
    {
        try
        {
            return new DeletionLink(null, StatusLink.Parse(text));
        }
        catch (FormatException)
        {
            return new DeletionLink(ShareLink.Parse(text), null);
        }
    }
}

/// <summary>
/// <c>secretshare delete LINK</c>: delete a secret now, with the share link (and passphrase), or with the manage token:
/// the private status link's, or <c>--manage-token</c>.
/// </summary>
internal static class DeleteCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.DeletionLinkArgument(host);
        var passphrase = CliOptions.LinkPassphrase();
        var passphraseStdin = CliOptions.PassphraseStdin();
        var manageToken = new Option<string?>("--manage-token")
        {
            Description = "Delete with the manage token printed by 'send --json' instead of the link's key and passphrase; '-' reads it "
                + "from standard input (the second line when the link is '-'). Passing the private status link as LINK does the same.",
            HelpName = "TOKEN",
        };
        var server = CliOptions.LinkServer();

        var command = new Command("delete", "Delete a secret now, before it expires or is used up.") { link, passphrase, passphraseStdin, manageToken, server };
        CliOptions.OnePassphraseSource(command, passphrase, passphraseStdin);
        command.Validators.Add(result =>
        {
            var withPassphrase = result.GetValue(passphrase) is not null || result.GetValue(passphraseStdin);
            if (withPassphrase && result.GetValue(manageToken) is not null)
            {
                result.AddError("Use either a passphrase or --manage-token, not both.");
            }

            if (result.GetValue(link)?.Status is not null && (withPassphrase || result.GetValue(manageToken) is not null))
            {
                result.AddError("The private status link carries the manage token: give it alone, without a passphrase or --manage-token.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(
                host,
                parse.GetRequiredValue(link),
                CliOptions.ReadPassphrase(parse, passphrase, passphraseStdin, host),
                ReadManageToken(parse.GetValue(manageToken), host),
                parse.GetValue(server),
                cancellationToken),
            cancellationToken));
        return command;
    }

    /// <summary>The token as given, or one line of standard input for '-', so that it stays out of process lists.</summary>
    private static string? ReadManageToken(string? option, CliHost host)
    {
        if (option != "-")
        {
            return option;
        }

        var line = host.In.ReadLine();
        return string.IsNullOrWhiteSpace(line) ? throw CliException.Usage("--manage-token -: no manage token on standard input.") : line;
    }

    private static async Task<int> RunAsync(
        CliHost host, DeletionLink link, string? passphrase, string? manageToken, Uri? server, CancellationToken cancellationToken)
    {
        manageToken = link.Status?.ManageToken ?? manageToken;
        if (link.Share is { } share && string.IsNullOrWhiteSpace(manageToken))
        {
            await SecretAccess.CallWithLinkAsync(
                host,
                share,
                passphrase,
                server,
                async (sharing, settled) =>
                {
                    await sharing.DeleteAsync(share, settled, cancellationToken).ConfigureAwait(false);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var http = CliApp.CreateHttpClient(host);
            var client = new SecretShareClient(http, CliApp.ResolveServer(host, server, link.BaseUrl)!);
            try
            {
                await client.DeleteAsync(link.Id, manageToken!.Trim(), cancellationToken).ConfigureAwait(false);
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
