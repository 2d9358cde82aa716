using System.Text.Json;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Client;

/// <summary>The CLI run in-process (<see cref="CliApp.RunAsync(string[], TextReader, TextWriter, TextWriter, IReadOnlyDictionary{string, string}?, HttpMessageHandler?, CancellationToken)"/>)
/// against the real API on each backend, over real sockets.</summary>
public abstract partial class CliTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : BackendFixture
{
    protected TFixture Fixture { get; } = fixture;

    /// <summary>The server's base URL as a user would type it (no trailing slash).</summary>
    private string Server => Fixture.App.BaseAddress.AbsoluteUri.TrimEnd('/');

    [Fact]
    public async Task Send_from_stdin_then_get_prints_the_same_bytes_and_burns()
    {
        var send = await Cli.RunAsync(["send", "--server", Server], stdin: "hunter2\n");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        var link = Assert.Single(Cli.Lines(send.Stdout));
        Assert.StartsWith($"{Server}/s/", link);
        Assert.Contains("1 view", send.Stderr);
        Assert.Contains("--manage-token", send.Stderr);

        var get = await Cli.RunAsync(["get", link]);
        Assert.Equal((ExitCodes.Ok, "hunter2\n"), (get.ExitCode, get.Stdout));
        Assert.Contains("last view", get.Stderr);
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(link).Id));

        var again = await Cli.RunAsync(["get", link]);
        Assert.Equal((ExitCodes.Gone, ""), (again.ExitCode, again.Stdout));
        Assert.Contains("gone", again.Stderr);
    }

    [Fact]
    public async Task Json_output_with_a_generated_passphrase_then_wrong_and_right_passphrases()
    {
        var send = await Cli.RunAsync(["send", "--generate-passphrase", "--json", "--views", "unlimited", "--expires", "7d"], stdin: "s3cret",
            environment: new() { ["SECRETSHARE_URL"] = Server });
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        using var json = JsonDocument.Parse(send.Stdout);
        var root = json.RootElement;
        var link = root.GetProperty("link").GetString()!;
        var passphrase = root.GetProperty("passphrase").GetString()!;
        Assert.StartsWith($"{Server}/s/{root.GetProperty("id").GetString()}#", link);
        Assert.Equal(5, passphrase.Split(' ').Length);
        Assert.All(passphrase.Split(' '), w => Assert.Contains(w, PassphraseGenerator.Words));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("maxViews").ValueKind);
        Assert.True(root.GetProperty("passphraseProtected").GetBoolean());
        Assert.False(root.GetProperty("extendable").GetBoolean());
        Assert.InRange(root.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(7).AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("manageToken").GetString()));

        // The server stored what the options asked for.
        var metadata = await new SecretShareClient(Fixture.Client).GetMetadataAsync(ShareLink.Parse(link).Id, TestContext.Current.CancellationToken);
        Assert.Equal(((int?)null, true), (metadata.MaxViews, metadata.PassphraseProtected));

        var missing = await Cli.RunAsync(["get", link]);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("--passphrase", missing.Stderr);

        var wrong = await Cli.RunAsync(["get", link, "--passphrase", "not it"]);
        Assert.Equal((ExitCodes.WrongPassphrase, ""), (wrong.ExitCode, wrong.Stdout));
        Assert.Contains("4 attempts left", wrong.Stderr);

        var right = await Cli.RunAsync(["get", link, "--passphrase", passphrase]);
        Assert.Equal((ExitCodes.Ok, "s3cret"), (right.ExitCode, right.Stdout));
        Assert.Contains("Unlimited views", right.Stderr);
    }

    [Fact]
    public async Task Send_reads_a_file_and_prints_the_passphrase_on_its_own_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "line 1\nline 2 \u00e4\n", TestContext.Current.CancellationToken);
            var send = await Cli.RunAsync(["send", "--server", Server, "--file", path, "--passphrase", "tr\u00f6ll", "--views", "2", "--extendable"]);
            Assert.Equal(ExitCodes.Ok, send.ExitCode);
            var lines = Cli.Lines(send.Stdout);
            Assert.Equal(2, lines.Length);
            Assert.Equal("tr\u00f6ll", lines[1]);
            Assert.Contains("extendable", send.Stderr);

            // NFD typing of the same passphrase opens it (NFC before PBKDF2).
            var get = await Cli.RunAsync(["get", lines[0], "-p", "tro\u0308ll"]);
            Assert.Equal((ExitCodes.Ok, "line 1\nline 2 \u00e4\n"), (get.ExitCode, get.Stdout));
            Assert.Contains("1 view left", get.Stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Delete_with_the_passphrase_or_the_manage_token()
    {
        var first = await Cli.RunAsync(["send", "--server", Server, "-p", "pw"], stdin: "a");
        var byAccess = Cli.Lines(first.Stdout)[0];
        var delete = await Cli.RunAsync(["delete", byAccess, "--passphrase", "pw"]);
        Assert.Equal(ExitCodes.Ok, delete.ExitCode);
        Assert.Contains("Deleted", delete.Stderr);
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(byAccess).Id));
        Assert.Equal(ExitCodes.Gone, (await Cli.RunAsync(["get", byAccess, "-p", "pw"])).ExitCode);
        Assert.Equal(ExitCodes.Gone, (await Cli.RunAsync(["delete", byAccess, "-p", "pw"])).ExitCode);

        var second = await Cli.RunAsync(["send", "--server", Server, "--json"], stdin: "b");
        using var json = JsonDocument.Parse(second.Stdout);
        var link = json.RootElement.GetProperty("link").GetString()!;
        var wrongToken = await Cli.RunAsync(["delete", link, "--manage-token", ApiCalls.NewToken()]);
        Assert.Equal(ExitCodes.WrongPassphrase, wrongToken.ExitCode);
        Assert.Contains("4 attempts left", wrongToken.Stderr);
        var malformedToken = await Cli.RunAsync(["delete", link, "--manage-token", "AAAA"]);
        Assert.Equal(ExitCodes.Usage, malformedToken.ExitCode);

        var byManage = await Cli.RunAsync(["delete", link, "--manage-token", json.RootElement.GetProperty("manageToken").GetString()!]);
        Assert.Equal(ExitCodes.Ok, byManage.ExitCode);
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(link).Id));
    }

    [Fact]
    public async Task Extend_adds_time_and_views_with_the_passphrase_and_uses_no_view()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "-p", "pw", "--extendable", "--expires", "1h", "--json"], stdin: "longer");
        using var json = JsonDocument.Parse(send.Stdout);
        var link = json.RootElement.GetProperty("link").GetString()!;
        var sentExpiry = json.RootElement.GetProperty("expiresAt").GetDateTimeOffset();

        var wrong = await Cli.RunAsync(["extend", link, "--add-views", "2", "-p", "not it"]);
        Assert.Equal(ExitCodes.WrongPassphrase, wrong.ExitCode);
        Assert.Contains("Wrong passphrase. 4 attempts left", wrong.Stderr);

        var extend = await Cli.RunAsync(["extend", link, "--add-time", "1d", "--add-views", "2", "-p", "pw"]);
        Assert.Equal((ExitCodes.Ok, ""), (extend.ExitCode, extend.Stdout));
        Assert.Contains("Extended: 3 views left, until", extend.Stderr);
        var metadata = await new SecretShareClient(Fixture.Client).GetMetadataAsync(ShareLink.Parse(link).Id, TestContext.Current.CancellationToken);
        Assert.Equal((3, 3), (metadata.MaxViews, metadata.ViewsRemaining));
        Assert.Equal(sentExpiry.AddDays(1), metadata.ExpiresAt);

        // The right passphrase reset the failed attempts, and the secret still opens.
        var get = await Cli.RunAsync(["get", link, "-p", "pw"]);
        Assert.Equal((ExitCodes.Ok, "longer"), (get.ExitCode, get.Stdout));
        Assert.Contains("2 views left", get.Stderr);
    }

    [Fact]
    public async Task Extend_on_a_secret_that_is_not_extendable_exits_1_with_the_servers_reason()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--views", "2"], stdin: "fixed");
        var link = Cli.Lines(send.Stdout)[0];

        var extend = await Cli.RunAsync(["extend", link, "--add-time", "1h"]);

        Assert.Equal(ExitCodes.Usage, extend.ExitCode);
        Assert.Contains("without permission to extend", extend.Stderr);
        var metadata = await new SecretShareClient(Fixture.Client).GetMetadataAsync(ShareLink.Parse(link).Id, TestContext.Current.CancellationToken);
        Assert.Equal(2, metadata.ViewsRemaining);
    }

    [Fact]
    public async Task Wrong_passphrases_exit_3_with_attempts_left_until_the_secret_is_deleted()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "-p", "right"], stdin: "x");
        var link = Cli.Lines(send.Stdout)[0];

        for (var left = 4; left >= 1; left--)
        {
            var wrong = await Cli.RunAsync(["get", link, "-p", "wrong"]);
            Assert.Equal(ExitCodes.WrongPassphrase, wrong.ExitCode);
            Assert.Contains(left == 1 ? "1 attempt left" : $"{left} attempts left", wrong.Stderr);
        }

        var last = await Cli.RunAsync(["get", link, "-p", "wrong"]);
        Assert.Equal(ExitCodes.WrongPassphrase, last.ExitCode);
        Assert.Contains("No attempts left", last.Stderr);
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(link).Id));

        var gone = await Cli.RunAsync(["get", link, "-p", "right"]);
        Assert.Equal((ExitCodes.Gone, ""), (gone.ExitCode, gone.Stdout));
    }

    [Fact]
    public async Task Unknown_and_expired_secrets_exit_2()
    {
        var unknown = await Cli.RunAsync(["get", $"{Server}/s/{ApiCalls.NewId()}#{ApiCalls.NewToken()}"]);
        Assert.Equal((ExitCodes.Gone, ""), (unknown.ExitCode, unknown.Stdout));
        Assert.Contains("gone", unknown.Stderr);

        // The test API allows a one-second lifetime; the library sends whole seconds.
        var sharing = new SecretSharing(new SecretShareClient(Fixture.Client));
        var sent = await sharing.SendAsync("soon gone", new SendOptions { ExpiresIn = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);
        var expired = await Cli.RunAsync(["get", sent.Link.ToString()]);
        Assert.Equal((ExitCodes.Gone, ""), (expired.ExitCode, expired.Stdout));
    }

    [Fact]
    public async Task Values_the_server_rejects_exit_1_with_its_field_errors()
    {
        var invalid = await Cli.RunAsync(["send", "--server", Server, "--views", "500"], stdin: "x");

        Assert.Equal(ExitCodes.Usage, invalid.ExitCode);
        Assert.Contains("maxViews: Must be a whole number from 1 to 100", invalid.Stderr);
    }

    [Fact]
    public async Task Rate_limited_send_exits_5_with_the_wait()
    {
        await using var limited = Fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:CreatePermitLimit"] = "1",
        });
        var server = limited.BaseAddress.AbsoluteUri.TrimEnd('/');

        var first = await Cli.RunAsync(["send", "--server", server], stdin: "x");
        Assert.Equal(ExitCodes.Ok, first.ExitCode);

        var refused = await Cli.RunAsync(["send", "--server", server], stdin: "y");
        Assert.Equal((ExitCodes.RateLimited, ""), (refused.ExitCode, refused.Stdout));
        Assert.Matches(@"try again in \d+ seconds", refused.Stderr);
    }

    [Fact]
    public async Task Get_uses_the_server_option_or_environment_over_the_link()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--views", "2"], stdin: "x");
        var link = ShareLink.Parse(Cli.Lines(send.Stdout)[0]);
        var foreignLink = $"https://elsewhere.invalid/s/{link.Id}#{link.KeyText}";

        var byOption = await Cli.RunAsync(["get", foreignLink, "--server", Server]);
        Assert.Equal((ExitCodes.Ok, "x"), (byOption.ExitCode, byOption.Stdout));

        var byEnvironment = await Cli.RunAsync(["get", foreignLink], environment: new() { ["SECRETSHARE_URL"] = Server });
        Assert.Equal((ExitCodes.Ok, "x"), (byEnvironment.ExitCode, byEnvironment.Stdout));
        Assert.Contains("last view", byEnvironment.Stderr);
    }
}

[Trait("Backend", "Postgres")]
public sealed class PostgresCliTests(PostgresFixture fixture) : CliTests<PostgresFixture>(fixture);

[Trait("Backend", "DynamoDb")]
public sealed class DynamoDbCliTests(DynamoDbFixture fixture) : CliTests<DynamoDbFixture>(fixture);

/// <summary>CLI behaviour that needs no server: argument checks, help, the word list, an unreachable server.</summary>
public sealed class CliOfflineTests
{
    [Theory]
    [InlineData("send")]
    [InlineData("send --server ftp://x")]
    [InlineData("send --server http://s.invalid --views 0")]
    [InlineData("send --server http://s.invalid --views many")]
    [InlineData("send --server http://s.invalid --expires 1y")]
    [InlineData("send --server http://s.invalid --passphrase a --generate-passphrase")]
    [InlineData("send --server http://s.invalid --file /nonexistent/secret.txt")]
    [InlineData("get")]
    [InlineData("get http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA")]
    [InlineData("get not-a-link")]
    [InlineData("send --server http://s.invalid --expires 999999w")]
    [InlineData("extend http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("extend http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --add-views 0")]
    [InlineData("extend http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --add-time forever")]
    [InlineData("delete http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -p a --manage-token b")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_1_with_a_message_on_stderr_and_no_request(string commandLine)
    {
        using var tripwire = new NoNetworkHandler();
        var result = await Cli.RunAsync(commandLine.Split(' '), stdin: "x", handler: tripwire);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.NotEqual("", result.Stderr.Trim());
        Assert.Equal("", result.Stdout);
        Assert.Equal(0, tripwire.Attempts);
    }

    [Fact]
    public async Task Empty_stdin_is_a_usage_error()
    {
        var result = await Cli.RunAsync(["send", "--server", "http://s.invalid"], stdin: "");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("empty", result.Stderr);
    }

    [Fact]
    public async Task Closed_port_exits_4()
    {
        var closed = $"http://127.0.0.1:{ExternalProcess.FreePort()}";

        var send = await Cli.RunAsync(["send", "--server", closed], stdin: "x");
        Assert.Equal((ExitCodes.ServerError, ""), (send.ExitCode, send.Stdout));
        Assert.Contains("Could not reach the server", send.Stderr);

        var get = await Cli.RunAsync(["get", $"{closed}/s/{ApiCalls.NewId()}#{ApiCalls.NewToken()}"]);
        Assert.Equal(ExitCodes.ServerError, get.ExitCode);
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var help = await Cli.RunAsync(["--help"]);
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        Assert.Contains("Exit codes", help.Stdout);
        Assert.Contains("rate limited", help.Stdout);
    }

    [Fact]
    public void Word_list_is_the_web_list_in_either_module_format()
    {
        Assert.True(PassphraseGenerator.Words.Count >= 1024);
        Assert.Equal(PassphraseGenerator.Words.Count, PassphraseGenerator.Words.Distinct().Count());
        Assert.All(PassphraseGenerator.Words, w => Assert.Matches("^[a-z]+$", w));

        var array = "export const WORDS = [" + string.Join(", ", PassphraseGenerator.Words.Select(w => $"\"{w}\"")) + "];";
        Assert.Equal(PassphraseGenerator.Words, PassphraseGenerator.ParseWordList(array));
        Assert.Throws<InvalidOperationException>(() => PassphraseGenerator.ParseWordList("export const WORDS = [\"a\", \"b\"];"));
        Assert.NotEqual(PassphraseGenerator.Generate(), PassphraseGenerator.Generate());
    }

    /// <summary>Fails any request: proves that a usage error is reported before the network is touched.</summary>
    private sealed class NoNetworkHandler : HttpMessageHandler
    {
        public int Attempts { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Attempts++;
            throw new HttpRequestException("No network in this test");
        }
    }
}

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal static class Cli
{
    public static async Task<CliResult> RunAsync(
        string[] args, string stdin = "", Dictionary<string, string>? environment = null, HttpMessageHandler? handler = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(
            args, new StringReader(stdin), stdout, stderr, environment, handler, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);
