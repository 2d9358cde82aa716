using System.Text.Json;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Client;

/// <summary><c>secretshare status</c>: the sender's receipt through the private status link that <c>send</c> prints.</summary>
public abstract partial class CliTests<TFixture>
{
    [Fact]
    public async Task Status_follows_a_sent_secret_and_exits_6_when_its_history_was_changed()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--json", "--views", "2"], stdin: "watch this");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        using var sent = JsonDocument.Parse(send.Stdout);
        var link = sent.RootElement.GetProperty("link").GetString()!;
        var id = sent.RootElement.GetProperty("id").GetString()!;
        var statusLink = sent.RootElement.GetProperty("statusLink").GetString()!;
        Assert.Equal($"{Server}/m/{id}#{sent.RootElement.GetProperty("manageToken").GetString()}", statusLink);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);

        var status = await Cli.RunAsync(["status", statusLink]);

        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        Assert.StartsWith("Status: active. 1 view left, until", status.Stdout);
        Assert.Contains("created with 2 views", status.Stdout);
        Assert.Contains("viewed; 1 view left", status.Stdout);
        Assert.Contains("History verified: 2 events, chain intact.", status.Stdout);

        var json = await Cli.RunAsync(["status", statusLink, "--json"]);
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using var receipt = JsonDocument.Parse(json.Stdout);
        Assert.Equal("active", receipt.RootElement.GetProperty("status").GetString());
        Assert.Equal(["created", "viewed"], receipt.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.True(receipt.RootElement.GetProperty("chain").GetProperty("verified").GetBoolean());

        await Fixture.SetEventTypeAsync(id, 2, "extended");
        var broken = await Cli.RunAsync(["status", statusLink]);
        Assert.Equal(ExitCodes.Tampered, broken.ExitCode);
        Assert.Contains("History BROKEN: Event 2", broken.Stdout);

        var wrongToken = await Cli.RunAsync(["status", $"{Server}/m/{id}#{ApiCalls.NewToken()}"]);
        Assert.Equal((ExitCodes.Gone, ""), (wrongToken.ExitCode, wrongToken.Stdout));
        Assert.Contains("Nothing is known about this secret", wrongToken.Stderr);

        var shareLinkGiven = await Cli.RunAsync(["status", link]);
        Assert.Equal(ExitCodes.Usage, shareLinkGiven.ExitCode);
        Assert.Contains("/m/{id}", shareLinkGiven.Stderr);
    }
}
