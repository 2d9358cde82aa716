using System.CommandLine;
using System.Text.Json;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary><c>secretshare status STATUS_LINK</c>: the creator's receipt: status, recorded events, the chain's verdict.</summary>
internal static class StatusCommand
{
    public static Command Create(CliHost host)
    {
        var link = CliOptions.StatusLinkArgument(host);
        var server = CliOptions.LinkServer();
        var json = new Option<bool>("--json") { Description = "Print the server's receipt as JSON {id, status, expiresAt, viewsRemaining, events, chain}." };

        var command = new Command("status", "Show whether a secret you sent was viewed, its history, and whether that history verifies.")
        {
            link, server, json,
        };
        command.SetAction((parse, cancellationToken) => CliApp.GuardAsync(
            host,
            () => RunAsync(host, parse.GetRequiredValue(link), parse.GetValue(server), parse.GetValue(json), cancellationToken),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, StatusLink link, Uri? server, bool json, CancellationToken cancellationToken)
    {
        using var http = CliApp.CreateHttpClient(host);
        var client = new SecretShareClient(http, CliApp.ResolveServer(host, server, link.BaseUrl));
        SecretEvents receipt;
        try
        {
            receipt = await client.GetEventsAsync(link.Id, link.ManageToken, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretShareApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new CliException(ExitCodes.Gone,
                "Nothing is known about this secret: the status link is wrong, or the secret's history was already deleted.");
        }

        if (json)
        {
            await host.Out.WriteLineAsync(JsonSerializer.Serialize(receipt, CliJsonContext.Default.SecretEvents)).ConfigureAwait(false);
        }
        else
        {
            await host.Out.WriteLineAsync(receipt.Status == "active"
                ? $"Status: active. {Display.ViewsLeft(receipt.ViewsRemaining, receipt.ExpiresAt)}"
                : $"Status: {receipt.Status}.").ConfigureAwait(false);
            foreach (var e in receipt.Events)
            {
                await host.Out.WriteLineAsync($"  {e.Seq,3}  {Display.Time(e.OccurredAt)}  {Describe(e)}").ConfigureAwait(false);
            }

            await host.Out.WriteLineAsync(receipt.Chain.Verified
                ? $"History verified: {receipt.Chain.Length} events, chain intact."
                : $"History BROKEN: {receipt.Chain.Problem}").ConfigureAwait(false);
        }

        // A broken chain is not a transport failure, but scripts must notice it.
        return receipt.Chain.Verified ? ExitCodes.Ok : ExitCodes.Tampered;
    }

    private static string Describe(SecretEvent e) => e.Type switch
    {
        "created" => $"created with {Display.Views(e.ViewsRemaining)}",
        "viewed" or "extended" or "failed_attempt" => $"{e.Type.Replace('_', ' ')}; {Display.Views(e.ViewsRemaining)} left",
        _ when e.Detail is { } detail => $"{e.Type} ({detail.Replace('_', ' ')})",
        _ => e.Type,
    };
}
