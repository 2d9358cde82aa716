using System.Net;
using System.Text.Json;
using SecretShare.Cli;
using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>The CLI run in-process (CliApp.RunAsync) against <see cref="FakeSecretServer"/>.</summary>
public sealed class CliTests
{
    private const string Server = "http://secrets.test/app";

    private readonly FakeSecretServer _server = new();

    [Fact]
    public async Task Send_from_stdin_then_get_prints_the_same_bytes_and_burns()
    {
        var send = await RunAsync(["send", "--server", Server], stdin: "hunter2\n");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        var link = Assert.Single(Lines(send.Stdout));
        Assert.StartsWith($"{Server}/s/", link);
        Assert.Contains("1 view", send.Stderr);

        var get = await RunAsync(["get", link]);
        Assert.Equal((ExitCodes.Ok, "hunter2\n"), (get.ExitCode, get.Stdout));
        Assert.Contains("last view", get.Stderr);

        var again = await RunAsync(["get", link]);
        Assert.Equal(ExitCodes.Gone, again.ExitCode);
        Assert.Equal("", again.Stdout);
        Assert.Contains("gone", again.Stderr);
    }

    [Fact]
    public async Task Generated_passphrase_is_required_and_wrong_ones_report_attempts_left()
    {
        var send = await RunAsync(["send", "--generate-passphrase", "--json", "--views", "unlimited", "--expires", "7d"], stdin: "s3cret",
            environment: new() { ["SECRETSHARE_URL"] = Server });
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        using var json = JsonDocument.Parse(send.Stdout);
        var link = json.RootElement.GetProperty("link").GetString()!;
        var passphrase = json.RootElement.GetProperty("passphrase").GetString()!;
        Assert.Equal(5, passphrase.Split(' ').Length);
        Assert.All(passphrase.Split(' '), w => Assert.Contains(w, PassphraseGenerator.Words));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("maxViews").ValueKind);
        Assert.True(json.RootElement.GetProperty("passphraseProtected").GetBoolean());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("manageToken").GetString()));

        using var created = JsonDocument.Parse(_server.Requests[0].Body!);
        Assert.Equal(JsonValueKind.Null, created.RootElement.GetProperty("maxViews").ValueKind);
        Assert.Equal(7 * 86400, created.RootElement.GetProperty("expiresInSeconds").GetInt32());

        var missing = await RunAsync(["get", link]);
        Assert.Equal(ExitCodes.Usage, missing.ExitCode);
        Assert.Contains("--passphrase", missing.Stderr);

        var wrong = await RunAsync(["get", link, "--passphrase", "not it"]);
        Assert.Equal(ExitCodes.WrongPassphrase, wrong.ExitCode);
        Assert.Contains("4 attempts left", wrong.Stderr);

        var right = await RunAsync(["get", link, "--passphrase", passphrase]);
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
            var send = await RunAsync(["send", "--server", Server, "--file", path, "--passphrase", "tr\u00f6ll", "--views", "2", "--extendable"]);
            Assert.Equal(ExitCodes.Ok, send.ExitCode);
            var lines = Lines(send.Stdout);
            Assert.Equal(2, lines.Length);
            Assert.Equal("tr\u00f6ll", lines[1]);

            var get = await RunAsync(["get", lines[0], "-p", "tro\u0308ll"]);
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
        var first = await RunAsync(["send", "--server", Server, "-p", "pw"], stdin: "a");
        var byAccess = Lines(first.Stdout)[0];
        var delete = await RunAsync(["delete", byAccess, "--passphrase", "pw"]);
        Assert.Equal(ExitCodes.Ok, delete.ExitCode);
        Assert.Equal(ExitCodes.Gone, (await RunAsync(["get", byAccess, "-p", "pw"])).ExitCode);

        var second = await RunAsync(["send", "--server", Server, "--json"], stdin: "b");
        using var json = JsonDocument.Parse(second.Stdout);
        var link = json.RootElement.GetProperty("link").GetString()!;
        var wrongToken = await RunAsync(["delete", link, "--manage-token", "AAAA"]);
        Assert.Equal(ExitCodes.WrongPassphrase, wrongToken.ExitCode);
        var byManage = await RunAsync(["delete", link, "--manage-token", json.RootElement.GetProperty("manageToken").GetString()!]);
        Assert.Equal(ExitCodes.Ok, byManage.ExitCode);
        Assert.Equal(0, _server.Count);
    }

    [Theory]
    [InlineData("send")]
    [InlineData("send --server ftp://x")]
    [InlineData("send --server http://s.test --views 0")]
    [InlineData("send --server http://s.test --views many")]
    [InlineData("send --server http://s.test --expires 1y")]
    [InlineData("send --server http://s.test --passphrase a --generate-passphrase")]
    [InlineData("send --server http://s.test --file /nonexistent/secret.txt")]
    [InlineData("get")]
    [InlineData("get http://s.test/s/AQIDBAUGBwgJCgsMDQ4PEA")]
    [InlineData("get not-a-link")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_1_with_a_message_on_stderr(string commandLine)
    {
        var result = await RunAsync(commandLine.Split(' '), stdin: "x");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.NotEqual("", result.Stderr.Trim());
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Empty_stdin_is_a_usage_error()
    {
        var result = await RunAsync(["send", "--server", Server], stdin: "");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("empty", result.Stderr);
    }

    [Fact]
    public async Task Rate_limit_exits_5_and_server_errors_exit_4()
    {
        _server.ForcedFailure = (HttpStatusCode.TooManyRequests, """{"title":"Too Many Requests","status":429}""", 30);
        var limited = await RunAsync(["send", "--server", Server], stdin: "x");
        Assert.Equal(ExitCodes.RateLimited, limited.ExitCode);
        Assert.Contains("30 seconds", limited.Stderr);

        _server.ForcedFailure = (HttpStatusCode.InternalServerError, """{"title":"Oops","status":500}""", null);
        Assert.Equal(ExitCodes.ServerError, (await RunAsync(["send", "--server", Server], stdin: "x")).ExitCode);

        _server.ForcedFailure = (HttpStatusCode.BadRequest,
            """{"title":"Invalid","status":400,"errors":{"maxViews":["Must be between 1 and 100."]}}""", null);
        var invalid = await RunAsync(["send", "--server", Server, "--views", "500"], stdin: "x");
        Assert.Equal(ExitCodes.Usage, invalid.ExitCode);
        Assert.Contains("maxViews: Must be between 1 and 100.", invalid.Stderr);
    }

    [Fact]
    public async Task Unreachable_server_exits_4()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(
            ["send", "--server", Server], new StringReader("x"), stdout, stderr, httpHandler: new FailingHandler(),
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.ServerError, exitCode);
        Assert.Contains("Could not reach the server", stderr.ToString());
    }

    [Fact]
    public async Task Get_uses_the_server_option_over_the_link()
    {
        var send = await RunAsync(["send", "--server", Server], stdin: "x");
        var foreignLink = Lines(send.Stdout)[0].Replace("http://secrets.test/app", "https://elsewhere.test", StringComparison.Ordinal);

        var get = await RunAsync(["get", foreignLink, "--server", Server]);

        Assert.Equal((ExitCodes.Ok, "x"), (get.ExitCode, get.Stdout));
        Assert.All(_server.Requests, r => Assert.StartsWith("/app/api/secrets", r.Path));
    }

    [Fact]
    public async Task Help_documents_the_exit_codes()
    {
        var help = await RunAsync(["--help"]);
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

    private async Task<CliResult> RunAsync(string[] args, string stdin = "", Dictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(
            args, new StringReader(stdin), stdout, stderr, environment, _server, TestContext.Current.CancellationToken);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private sealed record CliResult(int ExitCode, string Stdout, string Stderr);

    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (secrets.test:80)");
    }
}
