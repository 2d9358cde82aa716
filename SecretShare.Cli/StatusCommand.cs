using System.CommandLine;
using System.Text.Json;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>
/// <c>secretshare status STATUS_LINK</c>: the creator's receipt: status, recorded events, the server's verdict, and
/// this device's own check of the signed receipt (signature, internal consistency, trust on first use kept in
/// <see cref="ReceiptMemory"/>). <c>secretshare status --verify FILE</c> checks a downloaded receipt with no server.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.StatusLinkArgument(host);
        var server = CliOptions.LinkServer();
        var json = new Option<bool>("--json") { Description = "Print the server's receipt as JSON {id, status, expiresAt, viewsRemaining, events, chain, issuedAt, signature}." };
        var verify = new Option<FileInfo?>("--verify")
        {
            Description = "Check a receipt file saved by the status page's 'Download receipt', offline: no server is asked.",
            HelpName = "FILE",
        };

        var command = new Command(
            "status",
            "Show whether a secret you sent was viewed and its history; check the signed receipt on this device and exit 6 on any warning.")
        {
            link, server, json, verify,
        };
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => parse.GetValue(verify) is { } file
                ? parse.GetValue(link) is null ? VerifyFileAsync(host, file) : throw CliException.Usage("Give either a status link or --verify FILE, not both.")
                : parse.GetValue(link) is { } statusLink
                    ? RunAsync(host, statusLink, parse.GetValue(server), parse.GetValue(json), cancellationToken)
                    : throw CliException.Usage(
                        $"Give the status link printed by 'send' (…/status/{{id}}#{{manageToken}}), '-' to read it from standard input, set {CliOptions.StatusLinkEnvironmentVariable}, or give --verify FILE."),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, StatusLink link, Uri? server, bool json, CancellationToken cancellationToken)
    {
        using var http = CliApp.CreateHttpClient(host);
        var client = new SecretShareClient(http, CliApp.ResolveServer(host, server, link.BaseUrl));
        SecretStatus receipt;
        ReceiptKeySet keySet;
        try
        {
            receipt = await client.GetStatusAsync(link.Id, link.ManageToken, cancellationToken).ConfigureAwait(false);
            keySet = await client.GetReceiptKeysAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new CliException(ExitCodes.Gone,
                "Nothing is known about this secret: the status link is wrong, or the secret's history was already deleted.");
        }

        // Trust on first use: remembered only when nothing is wrong, so a warning repeats until someone looks.
        var memory = ReceiptMemory.Open(host);
        var (keyProblem, keys) = ReceiptFormat.CheckKeySet(memory.KeysOf(client.BaseAddress), keySet);
        var key = keySet.Keys.FirstOrDefault(k => k.Kid == receipt.Signature?.KeyId);
        var seen = memory.SeenOf(client.BaseAddress, receipt.Id);
        var problem = (key is null ? "the receipt names a signing key the server does not publish" : null)
            ?? keyProblem
            ?? (ReceiptFormat.HasValidSignature(receipt, key!) ? null : "the receipt's signature does not verify")
            ?? ReceiptFormat.ChainProblem(receipt)
            ?? ReceiptFormat.MemoryProblem(receipt, seen);
        if (problem is null)
        {
            memory.Remember(client.BaseAddress, keys, receipt.Id, ReceiptFormat.Remember(receipt));
        }

        if (json)
        {
            await host.Out.WriteLineAsync(JsonSerializer.Serialize(receipt, CliJsonContext.Default.SecretStatus)).ConfigureAwait(false);
        }
        else
        {
            await PrintAsync(host, receipt).ConfigureAwait(false);
        }

        var verdict = problem is null
            ? $"Verified on this device: {Signed(receipt, key!)}. " + (seen is null
                ? memory.Path is null ? "No state folder (HOME, XDG_STATE_HOME), so nothing is remembered." : "First check of this secret on this device."
                : $"It extends what this device saw before (event {seen.Seq}).")
            : $"WARNING: {problem}.";
        // In --json mode stdout is data only: the device's verdict goes to stderr.
        await (json || problem is not null ? host.Error : host.Out).WriteLineAsync(verdict).ConfigureAwait(false);
        return problem is null ? ExitCodes.Ok : ExitCodes.Tampered;
    }

    private static async Task<int> VerifyFileAsync(CliHost host, FileInfo file)
    {
        SecretStatus receipt;
        ReceiptPublicKey key;
        try
        {
            (receipt, key) = ReceiptFormat.ParseFile(await File.ReadAllBytesAsync(file.FullName).ConfigureAwait(false));
        }
        catch (IOException ex)
        {
            throw CliException.Usage($"Cannot read {file.FullName}: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw new CliException(ExitCodes.Tampered, $"WARNING: {file.Name} is not a receipt as the status page saves it. {ex.Message}");
        }

        // Offline, the key can only be compared with the keys this device saw from servers before.
        var thumbprint = ReceiptFormat.Thumbprint(key);
        var known = ReceiptMemory.Open(host).FindKey(key.Kid).ToList();
        var problem = (ReceiptFormat.HasValidSignature(receipt, key) ? null : "the receipt's signature does not verify: the file was changed")
            ?? ReceiptFormat.ChainProblem(receipt)
            ?? (known.Count > 0 && known.All(k => k.Thumbprint != thumbprint)
                ? $"key {key.Kid} is not the key of that name this device saw from {known[0].Server}"
                : null);

        await PrintAsync(host, receipt).ConfigureAwait(false);
        if (problem is not null)
        {
            await host.Error.WriteLineAsync($"WARNING: {problem}.").ConfigureAwait(false);
            return ExitCodes.Tampered;
        }

        await host.Out.WriteLineAsync($"Verified offline: {Signed(receipt, key)}, issued {Display.Time(receipt.IssuedAt)}. " + (known.Count > 0
            ? $"This device saw that key from {known[0].Server}."
            : "This device has not seen that key from a server: compare its thumbprint with the server's /api/receipt-keys.")).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    private static string Signed(SecretStatus receipt, ReceiptPublicKey key) =>
        $"signed by key {key.Kid} (thumbprint {ReceiptFormat.Thumbprint(key)}), {receipt.Events.Count} events linked in order";

    private static async Task PrintAsync(CliHost host, SecretStatus receipt)
    {
        await host.Out.WriteLineAsync(receipt.Status == "active"
            ? $"Status: active. {Display.ViewsLeft(receipt.ViewsRemaining, receipt.ExpiresAt)}"
            : $"Status: {receipt.Status}.").ConfigureAwait(false);
        foreach (var e in receipt.Events)
        {
            await host.Out.WriteLineAsync($"  {e.Seq,3}  {Display.Time(e.OccurredAt)}  {Describe(e)}").ConfigureAwait(false);
        }

        await host.Out.WriteLineAsync(receipt.Chain.Verified
            ? $"The server reports: history intact, {receipt.Chain.Length} events."
            : $"The server reports: history BROKEN: {receipt.Chain.Problem}").ConfigureAwait(false);
    }

    private static string Describe(SecretEvent e) => e.Type switch
    {
        "created" => $"created with {Display.Views(e.ViewsRemaining)}",
        "viewed" or "extended" or "failed_attempt" => $"{e.Type.Replace('_', ' ')}; {Display.Views(e.ViewsRemaining)} left",
        _ when e.Detail is { } detail => $"{e.Type} ({detail.Replace('_', ' ')})",
        _ => e.Type,
    };
}
