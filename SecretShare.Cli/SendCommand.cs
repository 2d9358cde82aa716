using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare send</c>: read a secret, encrypt it locally, create it on the server, print the link.</summary>
internal static class SendCommand
{
    public static Command Create(CliHost host)
    {
        var views = new Option<ViewLimit?>("--views")
        {
            Description = "How many times the link can be opened: a number (server bound 100) or 'unlimited' until expiry. Default 1.",
            HelpName = "N|unlimited",
            CustomParser = CliOptions.ParseViews,
        };
        var expires = new Option<TimeSpan?>("--expires")
        {
            Description = "Lifetime: 1h, 1d, 7d or 30d (any number with unit m, h, d or w; server bounds 1 minute to 30 days). Default 1d.",
            HelpName = "1h|1d|7d|30d",
            CustomParser = CliOptions.ParseDuration,
        };
        var passphrase = CliOptions.Passphrase(
            $"Also require this passphrase; share it on another channel than the link. Visible in shell history and process lists: "
            + $"prefer --generate-passphrase or ${CliOptions.PassphraseEnvironmentVariable} (default).");
        var generate = new Option<bool>("--generate-passphrase", "-g")
        {
            Description = "Generate a 5-word passphrase and print it on its own line after the link.",
        };
        var extendable = new Option<bool>("--extendable") { Description = "Let the recipient add time or views later." };
        var files = new Option<FileInfo[]>("--file", "-f")
        {
            Description = "Attach this file (repeatable). The text from stdin is then optional.",
            HelpName = "PATH",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var server = CliOptions.Server();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object {link, passphrase, expiresAt, maxViews, extendable, manageToken, ...} instead of text.",
        };

        var command = new Command("send", "Encrypt a secret from stdin, and files, on this machine and print its share link.")
        {
            views, expires, passphrase, generate, extendable, files, server, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(passphrase) is not null && result.GetValue(generate))
            {
                result.AddError("Use either --passphrase or --generate-passphrase, not both.");
            }
        });
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(
                host,
                new Request(
                    parse.GetValue(views),
                    parse.GetValue(expires),
                    parse.GetValue(generate)
                        ? PassphraseGenerator.Generate()
                        : parse.GetValue(passphrase) ?? host.GetEnvironmentVariable(CliOptions.PassphraseEnvironmentVariable),
                    parse.GetValue(extendable),
                    parse.GetValue(files) ?? [],
                    parse.GetValue(server),
                    parse.GetValue(json)),
                cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, Request request, CancellationToken cancellationToken)
    {
        // A link must name a server the recipient can reach, so there is no localhost default.
        var server = CliApp.ResolveServer(host, request.Server, fallback: null)
            ?? throw CliException.Usage($"No server: pass --server URL or set {CliOptions.ServerEnvironmentVariable}.");
        if (request.Passphrase is "")
        {
            throw CliException.Usage("--passphrase must not be empty.");
        }

        var attachments = await ReadFilesAsync(request.Files, cancellationToken).ConfigureAwait(false);
        var text = await ReadTextAsync(host, attachments.Count > 0, cancellationToken).ConfigureAwait(false);
        var envelope = new SecretEnvelope(text, attachments.Count > 0 ? attachments : null);

        using var http = CliApp.CreateHttpClient(host);
        var client = new SecretShareClient(http, server);
        await CheckSizeAsync(client, envelope, cancellationToken).ConfigureAwait(false);
        var sharing = new SecretSharing(client);
        var sent = await sharing.SendAsync(
            envelope,
            new SendOptions
            {
                ExpiresIn = request.ExpiresIn,
                MaxViews = request.Views,
                Extendable = request.Extendable,
                Passphrase = request.Passphrase,
            },
            cancellationToken).ConfigureAwait(false);

        if (request.Json)
        {
            var output = new SendOutput(
                sent.Link.ToString(), sent.Passphrase, sent.Link.Id, sent.ExpiresAt, sent.MaxViews, sent.Extendable,
                sent.Passphrase is not null, sent.ManageToken, StatusLinkOf(sent).ToString());
            await host.Out.WriteLineAsync(JsonSerializer.Serialize(output, CliJsonContext.Default.SendOutput)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await host.Out.WriteLineAsync(sent.Link.ToString()).ConfigureAwait(false);
        if (sent.Passphrase is not null)
        {
            await host.Out.WriteLineAsync(sent.Passphrase).ConfigureAwait(false);
        }

        var filesNote = attachments.Count == 0 ? "" : $"; {Display.Files(attachments)}";
        await host.Error.WriteLineAsync(
            $"Expires {Display.Time(sent.ExpiresAt)}; {Display.Views(sent.MaxViews)}{(sent.Extendable ? "; extendable" : "")}{filesNote}.")
            .ConfigureAwait(false);
        if (sent.Passphrase is not null)
        {
            await host.Error.WriteLineAsync("Send the passphrase (second line) on a different channel than the link.").ConfigureAwait(false);
        }

        // The status link carries the manage token: it is shown on its own, never inside a command line to paste, which would
        // leave the token in shell history and process lists.
        await host.Error.WriteLineAsync(
            $"Private status link (whether it was viewed; deletes it): {StatusLinkOf(sent)}{Environment.NewLine}"
            + $"Open it in a browser, or paste it into 'secretshare status -' (or set {CliOptions.StatusLinkEnvironmentVariable}); "
            + "pasted into 'secretshare delete -' it deletes the secret now.")
            .ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static StatusLink StatusLinkOf(SentSecret sent) => new(sent.Link.BaseUrl, sent.Link.Id, sent.ManageToken);

    internal static async Task<List<SecretFile>> ReadFilesAsync(FileInfo[] paths, CancellationToken cancellationToken)
    {
        var files = new List<SecretFile>(paths.Length);
        foreach (var path in paths)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"Cannot read {path.FullName}: {ex.Message}");
            }

            // The recipient sees the name only; the type is informational, so the CLI does not guess it.
            var name = SecretFile.SafeFileName(path.Name);
            if (files.Any(file => string.Equals(file.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw CliException.Usage($"Two files are named {name}: rename one, the recipient could not tell them apart.");
            }

            files.Add(new SecretFile(name, SecretFile.DefaultType, bytes));
        }

        return files;
    }

    internal static async Task<string> ReadTextAsync(CliHost host, bool hasFiles, CancellationToken cancellationToken)
    {
        // With files the text is optional: a terminal is not prompted, a pipe is read (and may be empty).
        if (hasFiles && !host.IsInputRedirected)
        {
            return "";
        }

        if (!host.IsInputRedirected)
        {
            await host.Error.WriteLineAsync("Type or paste the secret, then press Ctrl-D on an empty line (Ctrl-Z, Enter on Windows):")
                .ConfigureAwait(false);
        }

        // Sent exactly as read (a trailing newline included), so `get > file` gives back the same bytes.
        var text = await host.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return text.Length == 0 && !hasFiles
            ? throw CliException.Usage("The secret is empty: pipe it on stdin or attach a file with --file PATH.")
            : text;
    }

    /// <summary>Refuses, before uploading, a secret larger than the server accepts, saying by how much.</summary>
    private static async Task CheckSizeAsync(SecretShareClient client, SecretEnvelope envelope, CancellationToken cancellationToken)
    {
        var size = SecretProtocol.PayloadSize(envelope);
        var limit = (await client.GetLimitsAsync(cancellationToken).ConfigureAwait(false)).MaxPayloadBytes;
        if (size > limit)
        {
            var growth = envelope.Files is { Count: > 0 } ? " (file contents grow by a third inside the encrypted envelope)" : "";
            throw CliException.Usage(
                $"The secret is too large: encrypted it is {Display.Bytes(size)}, {Display.Bytes(size - limit)} over the server's limit of {Display.Bytes(limit)}{growth}.");
        }
    }

    private sealed record Request(
        ViewLimit? Views, TimeSpan? ExpiresIn, string? Passphrase, bool Extendable, FileInfo[] Files, Uri? Server, bool Json);
}

/// <summary>The --json output of send. Null passphrase: none; null maxViews: unlimited.</summary>
internal sealed record SendOutput(
    string Link,
    string? Passphrase,
    string Id,
    DateTimeOffset ExpiresAt,
    int? MaxViews,
    bool Extendable,
    bool PassphraseProtected,
    string ManageToken,
    string StatusLink);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(SendOutput))]
[JsonSerializable(typeof(SecretStatus))]
[JsonSerializable(typeof(RequestOutput))]
[JsonSerializable(typeof(RequestInbox))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
