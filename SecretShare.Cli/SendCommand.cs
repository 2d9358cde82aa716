using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare send</c>: read a secret, encrypt it locally, create it on the server, print the link.</summary>
internal static class SendCommand
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
            "Also require this passphrase; share it on another channel than the link. Visible in shell history: prefer --generate-passphrase.");
        var generate = new Option<bool>("--generate-passphrase", "-g")
        {
            Description = "Generate a 5-word passphrase and print it on its own line after the link.",
        };
        var extendable = new Option<bool>("--extendable") { Description = "Let the recipient add time or views later." };
        var file = new Option<FileInfo?>("--file", "-f")
        {
            Description = "Read the secret from this UTF-8 text file instead of stdin.",
            HelpName = "PATH",
        };
        var server = CliOptions.Server();
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object {link, passphrase, expiresAt, maxViews, extendable, manageToken, ...} instead of text.",
        };

        var command = new Command("send", "Encrypt a secret from stdin (or --file) on this machine and print its share link.")
        {
            views, expires, passphrase, generate, extendable, file, server, json,
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
                    parse.GetValue(generate) ? PassphraseGenerator.Generate() : parse.GetValue(passphrase),
                    parse.GetValue(extendable),
                    parse.GetValue(file),
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

        var text = await ReadSecretAsync(host, request.File, cancellationToken).ConfigureAwait(false);

        using var http = CliApp.CreateHttpClient(host);
        var sharing = new SecretSharing(new SecretShareClient(http, server));
        var sent = await sharing.SendAsync(
            text,
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

        await host.Error.WriteLineAsync(
            $"Expires {Display.Time(sent.ExpiresAt)}; {Display.Views(sent.MaxViews)}{(sent.Extendable ? "; extendable" : "")}.")
            .ConfigureAwait(false);
        if (sent.Passphrase is not null)
        {
            await host.Error.WriteLineAsync("Send the passphrase (second line) on a different channel than the link.").ConfigureAwait(false);
        }

        await host.Error.WriteLineAsync($"To delete it early: secretshare delete LINK --manage-token {sent.ManageToken}").ConfigureAwait(false);
        await host.Error.WriteLineAsync($"To see whether it was viewed (keep this private): secretshare status {StatusLinkOf(sent)}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static StatusLink StatusLinkOf(SentSecret sent) => new(sent.Link.BaseUrl, sent.Link.Id, sent.ManageToken);

    private static async Task<string> ReadSecretAsync(CliHost host, FileInfo? file, CancellationToken cancellationToken)
    {
        string text;
        if (file is not null)
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"Cannot read {file.FullName}: {ex.Message}");
            }

            var body = bytes.AsSpan();
            if (body.StartsWith(Encoding.UTF8.Preamble))
            {
                body = body[Encoding.UTF8.Preamble.Length..];
            }

            try
            {
                text = StrictUtf8.GetString(body);
            }
            catch (DecoderFallbackException)
            {
                throw CliException.Usage($"{file.FullName} is not UTF-8 text; only text can be shared for now.");
            }
        }
        else
        {
            if (!host.IsInputRedirected)
            {
                await host.Error.WriteLineAsync("Type or paste the secret, then press Ctrl-D on an empty line (Ctrl-Z, Enter on Windows):")
                    .ConfigureAwait(false);
            }

            text = await host.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        // Sent exactly as read (a trailing newline included), so `get > file` gives back the same bytes.
        return text.Length == 0
            ? throw CliException.Usage("The secret is empty: pipe it on stdin or pass --file PATH.")
            : text;
    }

    private sealed record Request(
        ViewLimit? Views, TimeSpan? ExpiresIn, string? Passphrase, bool Extendable, FileInfo? File, Uri? Server, bool Json);
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
[JsonSerializable(typeof(SecretEvents))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
