using System.Net;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>What get and delete share: reaching the link's server and settling the passphrase.</summary>
internal static class SecretAccess
{
    public static Uri ResolveServer(CliHost host, Uri? option, ShareLink link) =>
        CliApp.ResolveServer(host, option, link.BaseUrl)!;

    /// <summary>
    /// One call that proves access with the link: on the link's server, with the passphrase settled first, and with a
    /// refused access token (403) reported as a wrong passphrase or key.
    /// </summary>
    public static async Task<T> CallWithLinkAsync<T>(
        CliHost host,
        ShareLink link,
        string? passphrase,
        Uri? server,
        Func<SecretSharing, string?, Task<T>> call,
        CancellationToken cancellationToken)
    {
        using var http = CliApp.CreateHttpClient(host);
        var sharing = new SecretSharing(new SecretShareClient(http, ResolveServer(host, server, link)));
        passphrase = await ResolvePassphraseAsync(host, sharing, link, passphrase, cancellationToken).ConfigureAwait(false);
        try
        {
            return await call(sharing, passphrase).ConfigureAwait(false);
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == HttpStatusCode.Forbidden && !ex.IsNotExtendable)
        {
            throw Refused(ex, passphrase);
        }
    }

    /// <summary>
    /// Asks the server (GET, consumes nothing) whether a passphrase is needed, so that a missing one is
    /// reported before a wrong access token costs one of the few attempts, and prompts on a terminal.
    /// </summary>
    public static async Task<string?> ResolvePassphraseAsync(
        CliHost host, SecretSharing sharing, ShareLink link, string? given, CancellationToken cancellationToken)
    {
        var metadata = await sharing.GetMetadataAsync(link, cancellationToken).ConfigureAwait(false);
        if (!metadata.PassphraseProtected)
        {
            // A variable set for the whole session is no mistake worth a note; a passphrase given for this command is.
            if (!string.IsNullOrEmpty(given))
            {
                await host.Error.WriteLineAsync("note: this secret has no passphrase; the one given is ignored.").ConfigureAwait(false);
            }

            return null;
        }

        given = string.IsNullOrEmpty(given) ? host.GetEnvironmentVariable(CliOptions.PassphraseEnvironmentVariable) : given;
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        if (!host.CanPrompt)
        {
            throw CliException.Usage(
                $"This secret is protected by a passphrase: pass it with --passphrase-stdin, ${CliOptions.PassphraseEnvironmentVariable} or --passphrase.");
        }

        var entered = host.ReadHiddenLine!("Passphrase: ");
        return string.IsNullOrEmpty(entered)
            ? throw CliException.Usage("No passphrase entered.")
            : entered;
    }

    /// <summary>A 403 means the derived access token was refused: almost always the passphrase.</summary>
    public static CliException Refused(SecretShareApiException ex, string? passphrase) => new(
        ExitCodes.WrongPassphrase,
        (passphrase is null ? "The link's key was not accepted (is the link complete?)." : "Wrong passphrase.")
        + CliApp.AttemptsText(ex.AttemptsRemaining));
}
