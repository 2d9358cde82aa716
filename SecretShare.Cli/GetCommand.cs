using System.CommandLine;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare get LINK</c>: reveal (uses one view), decrypt locally, print the text and save the files.</summary>
internal static class GetCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.Link(host);
        var passphrase = CliOptions.LinkPassphrase();
        var passphraseStdin = CliOptions.PassphraseStdin();
        var server = CliOptions.LinkServer();
        var output = new Option<DirectoryInfo?>("--output", "-o")
        {
            Description = "Save the secret's files into this folder (created if missing). Existing files are kept: a new name is chosen.",
            HelpName = "DIR",
        };
        var force = new Option<bool>("--force")
        {
            Description = "With --output: replace files of the same name (a symbolic link of that name is refused, never followed).",
        };

        var command = new Command("get", "Reveal a secret (uses one view), print its text to stdout and save its files with --output.")
        {
            link, passphrase, passphraseStdin, server, output, force,
        };
        CliOptions.OnePassphraseSource(command, passphrase, passphraseStdin);
        command.Validators.Add(result =>
        {
            if (result.GetValue(force) && result.GetValue(output) is null)
            {
                result.AddError("--force needs --output DIR.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(
                host, parse.GetRequiredValue(link), CliOptions.ReadPassphrase(parse, passphrase, passphraseStdin, host), parse.GetValue(server), parse.GetValue(output),
                parse.GetValue(force), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliHost host, ShareLink link, string? passphrase, Uri? server, DirectoryInfo? output, bool force, CancellationToken cancellationToken)
    {
        // Checked before the reveal: a view is not spent on a folder that cannot be used.
        if (output is not null && File.Exists(output.FullName))
        {
            throw CliException.Usage($"--output must be a folder, and {output.FullName} is a file.");
        }

        var opened = await SecretAccess.CallWithLinkAsync(
            host, link, passphrase, server, (sharing, settled) => sharing.RevealAsync(link, settled, cancellationToken), cancellationToken)
            .ConfigureAwait(false);

        // Data exactly as sent, so `get > file` reproduces it; a terminal gets a final newline.
        if (opened.Text.Length > 0 || opened.Files.Count == 0)
        {
            await host.Out.WriteAsync(opened.Text).ConfigureAwait(false);
            if (!host.IsOutputRedirected && !opened.Text.EndsWith('\n'))
            {
                await host.Out.WriteLineAsync().ConfigureAwait(false);
            }

            await host.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await SaveFilesAsync(host, link, opened, output, force, cancellationToken).ConfigureAwait(false);
        await host.Error.WriteLineAsync(opened.Burned
            ? "That was the last view: the secret is now deleted."
            : Display.ViewsLeft(opened.ViewsRemaining, opened.ExpiresAt)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Files go to --output. Without it they are not dumped on the terminal: while views remain, the user is told how to
    /// fetch them; when this was the last view they are saved into a new folder, since they cannot be fetched again.
    /// </summary>
    private static async Task SaveFilesAsync(
        CliHost host, ShareLink link, OpenedSecret opened, DirectoryInfo? output, bool force, CancellationToken cancellationToken)
    {
        if (opened.Files.Count == 0)
        {
            return;
        }

        if (output is null && !opened.Burned)
        {
            await host.Error.WriteLineAsync(
                $"The secret has {Display.Files(opened.Files)}, not saved. To save them: secretshare get LINK --output DIR (uses another view).")
                .ConfigureAwait(false);
            return;
        }

        var folder = output?.FullName ?? FreeFolder(Path.Combine(host.WorkingDirectory, $"secretshare-{link.Id[..8]}"));
        Directory.CreateDirectory(folder);
        var received = new ReceivedFiles(folder, force);
        foreach (var file in opened.Files)
        {
            var path = await received.WriteAsync(file, cancellationToken).ConfigureAwait(false);
            await host.Error.WriteLineAsync($"Saved {path} ({Display.Bytes(file.Data.Length)}).").ConfigureAwait(false);
        }
    }

    private static string FreeFolder(string path)
    {
        var candidate = path;
        for (var n = 2; Directory.Exists(candidate) || File.Exists(candidate); n++)
        {
            candidate = $"{path}-{n}";
        }

        return candidate;
    }
}
