using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
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
        Assert.Contains("Private status link", send.Stderr);

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
    public async Task Send_prints_the_passphrase_on_its_own_line_and_an_NFD_passphrase_opens_it()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--passphrase", "tr\u00f6ll", "--views", "2", "--extendable"], stdin: "line 1\nline 2 \u00e4\n");
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

    [Fact]
    public async Task Files_sent_with_file_arrive_with_output_byte_for_byte_next_to_the_text()
    {
        using var folder = new TempFolder();
        var binary = RandomNumberGenerator.GetBytes(5000);
        var notes = "a\r\nb \u00e4\n"u8.ToArray();
        var binaryPath = folder.Write("in/key.bin", binary);
        var notesPath = folder.Write("in/notes.txt", notes);

        var send = await Cli.RunAsync(["send", "--server", Server, "--file", binaryPath, "-f", notesPath, "--views", "3"], stdin: "see attached");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        Assert.Contains("2 files (key.bin, 5,000 bytes; notes.txt, 8 bytes)", send.Stderr);
        var link = Assert.Single(Cli.Lines(send.Stdout));

        // Without --output nothing binary reaches the terminal; the user is told how to save the files.
        var peek = await Cli.RunAsync(["get", link]);
        Assert.Equal((ExitCodes.Ok, "see attached"), (peek.ExitCode, peek.Stdout));
        Assert.Contains("--output DIR", peek.Stderr);

        var output = Path.Combine(folder.Path, "out");
        var get = await Cli.RunAsync(["get", link, "--output", output]);
        Assert.Equal((ExitCodes.Ok, "see attached"), (get.ExitCode, get.Stdout));
        Assert.Equal(binary, await File.ReadAllBytesAsync(Path.Combine(output, "key.bin"), TestContext.Current.CancellationToken));
        Assert.Equal(notes, await File.ReadAllBytesAsync(Path.Combine(output, "notes.txt"), TestContext.Current.CancellationToken));
        Assert.Contains($"Saved {Path.Combine(output, "key.bin")} (5,000 bytes)", get.Stderr);
        Assert.Contains("1 view left", get.Stderr);

        // Files alone: no text on stdin, none printed.
        var filesOnly = await Cli.RunAsync(["send", "--server", Server, "-f", notesPath]);
        Assert.Equal(ExitCodes.Ok, filesOnly.ExitCode);
        var opened = await new SecretSharing(new SecretShareClient(Fixture.Client)).RevealAsync(
            ShareLink.Parse(Cli.Lines(filesOnly.Stdout)[0]), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("", opened.Text);
        var file = Assert.Single(opened.Files);
        Assert.Equal(("notes.txt", SecretFile.DefaultType), (file.Name, file.Type));
        Assert.Equal(notes, file.Data);
    }

    [Fact]
    public async Task Files_of_a_last_view_without_output_are_saved_into_a_new_folder_not_lost()
    {
        using var folder = new TempFolder();
        var sharing = new SecretSharing(new SecretShareClient(Fixture.Client));
        var sent = await sharing.SendAsync(new SecretEnvelope("text too", [new SecretFile("a.bin", null, [7, 8])]), cancellationToken: TestContext.Current.CancellationToken);
        var taken = folder.Write($"secretshare-{sent.Link.Id[..8]}/a.bin", [1]);
        // A planted link, even a dangling one, is a taken name: nothing is created through it.
        File.CreateSymbolicLink(Path.Combine(folder.Path, $"secretshare-{sent.Link.Id[..8]}-2"), Path.Combine(folder.Path, "elsewhere"));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = new CliHost { In = new StringReader(""), Out = stdout, Error = stderr, WorkingDirectory = folder.Path };

        var exitCode = await CliApp.RunAsync(["get", sent.Link.ToString()], host, TestContext.Current.CancellationToken);

        Assert.Equal((ExitCodes.Ok, "text too"), (exitCode, stdout.ToString()));
        var saved = Path.Combine(folder.Path, $"secretshare-{sent.Link.Id[..8]}-3", "a.bin");
        Assert.Equal([7, 8], await File.ReadAllBytesAsync(saved, TestContext.Current.CancellationToken));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "elsewhere")));
        Assert.Equal([1], await File.ReadAllBytesAsync(taken, TestContext.Current.CancellationToken));
        Assert.Contains($"Saved {saved} (2 bytes)", stderr.ToString());
        Assert.Contains("last view", stderr.ToString());
    }

    [Fact]
    public async Task Received_file_names_stay_inside_the_output_folder_and_never_replace_a_file_silently()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(output, "passwd"), "mine", TestContext.Current.CancellationToken);
        var sharing = new SecretSharing(new SecretShareClient(Fixture.Client));
        SecretFile[] hostile =
        [
            new("../x", null, [1]), new("/etc/passwd", "text/plain", [2]), new("..\\..\\win.ini", null, [3]), new("x", null, [4]),
            new("..", null, [5]), new("a\u0000b\nc.txt", null, [6]),
        ];
        var sent = await sharing.SendAsync(new SecretEnvelope("", hostile), new SendOptions { MaxViews = ViewLimit.Of(2) }, TestContext.Current.CancellationToken);

        var get = await Cli.RunAsync(["get", sent.Link.ToString(), "-o", output]);

        Assert.Equal((ExitCodes.Ok, ""), (get.ExitCode, get.Stdout));
        Assert.Equal(["out"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
        var written = Directory.GetFiles(output)
            .Select(path => $"{Path.GetFileName(path)}={Convert.ToHexString(File.ReadAllBytes(path))}").Order(StringComparer.Ordinal);
        Assert.Equal(["abc.txt=06", "file=05", "passwd (2)=02", "passwd=6D696E65", "win.ini=03", "x (2)=04", "x=01"], written);
        Assert.Contains($"Saved {Path.Combine(output, "passwd (2)")}", get.Stderr);

        // --force replaces instead.
        var forced = await Cli.RunAsync(["get", sent.Link.ToString(), "-o", output, "--force"]);
        Assert.Equal(ExitCodes.Ok, forced.ExitCode);
        Assert.Equal([2], await File.ReadAllBytesAsync(Path.Combine(output, "passwd"), TestContext.Current.CancellationToken));
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(output, "x")));
        Assert.Equal([4], File.ReadAllBytes(Path.Combine(output, "x (2)")));
        Assert.Equal(7, Directory.GetFiles(output).Length);
    }

    [Fact]
    public async Task Files_over_the_servers_limit_are_refused_before_upload_saying_by_how_much()
    {
        using var folder = new TempFolder();
        var big = folder.Write("big.bin", new byte[200_000]);
        var expectedSize = SecretProtocol.PayloadSize(new SecretEnvelope("", [new SecretFile("big.bin", SecretFile.DefaultType, new byte[200_000])]));

        var refused = await Cli.RunAsync(["send", "--server", Server, "--file", big]);

        Assert.Equal((ExitCodes.Usage, ""), (refused.ExitCode, refused.Stdout));
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"encrypted it is {expectedSize:N0} bytes, {expectedSize - 262_144:N0} bytes over the server's limit of 262,144 bytes"),
            refused.Stderr);

        // The limit is the server's own, whatever it is configured to.
        await using var small = Fixture.CreateApp(new Dictionary<string, string?> { ["SecretShare:Limits:MaxPayloadBytes"] = "1000" });
        var smallServer = small.BaseAddress.AbsoluteUri.TrimEnd('/');
        var text = new string('x', 1000 - 11 - SecretProtocol.PayloadOverhead);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["send", "--server", smallServer], stdin: text)).ExitCode);
        var overByOne = await Cli.RunAsync(["send", "--server", smallServer], stdin: text + "y");
        Assert.Equal(ExitCodes.Usage, overByOne.ExitCode);
        Assert.Contains("encrypted it is 1,001 bytes, 1 byte over the server's limit of 1,000 bytes.", overByOne.Stderr);
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
        Assert.Contains("The manage token was not accepted.", wrongToken.Stderr);
        Assert.DoesNotContain("attempt", wrongToken.Stderr);
        var malformedToken = await Cli.RunAsync(["delete", link, "--manage-token", "AAAA"]);
        Assert.Equal(ExitCodes.Usage, malformedToken.ExitCode);

        var byManage = await Cli.RunAsync(["delete", link, "--manage-token", json.RootElement.GetProperty("manageToken").GetString()!]);
        Assert.Equal(ExitCodes.Ok, byManage.ExitCode);
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(link).Id));

        // The manage token off the command line: on standard input after the link, or inside the private status link.
        var third = await Cli.RunAsync(["send", "--server", Server, "-p", "pw", "--json"], stdin: "c");
        using var thirdJson = JsonDocument.Parse(third.Stdout);
        var thirdLink = thirdJson.RootElement.GetProperty("link").GetString()!;
        var tokenOnStdin = await Cli.RunAsync(["delete", "-", "--manage-token", "-"],
            stdin: $"{thirdLink}\n{thirdJson.RootElement.GetProperty("manageToken").GetString()}\n");
        Assert.Equal((ExitCodes.Ok, "Deleted."), (tokenOnStdin.ExitCode, tokenOnStdin.Stderr.Trim()));
        Assert.False(await Fixture.IsStoredAsync(ShareLink.Parse(thirdLink).Id));

        var fourth = await Cli.RunAsync(["send", "--server", Server, "-p", "pw", "--json"], stdin: "d");
        using var fourthJson = JsonDocument.Parse(fourth.Stdout);
        var statusLink = fourthJson.RootElement.GetProperty("statusLink").GetString()!;
        Assert.Equal(ExitCodes.Usage, (await Cli.RunAsync(["delete", statusLink, "-p", "pw"])).ExitCode);
        var byStatusLink = await Cli.RunAsync(["delete", "-"], stdin: statusLink + "\n");
        Assert.Equal((ExitCodes.Ok, "Deleted."), (byStatusLink.ExitCode, byStatusLink.Stderr.Trim()));
        Assert.False(await Fixture.IsStoredAsync(StatusLink.Parse(statusLink).Id));
        Assert.Equal(ExitCodes.Gone, (await Cli.RunAsync(["delete", "-"], stdin: statusLink + "\n")).ExitCode);
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

        // The wrong passphrase used one of the five attempts for good; the secret still opens.
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

    [Fact]
    public async Task A_terminal_sees_the_senders_control_characters_escaped_and_a_redirect_gets_every_byte()
    {
        // OSC 52 (write the clipboard), a window title, CSI as one C1 character, a lone CR that would overwrite the line.
        const string Text = "hi\u001b]52;c;ZXZpbA==\u0007\u001b]0;owned\u0007 \u009b2J\rX\r\nok\tdone\u007f\n";
        var sharing = new SecretSharing(new SecretShareClient(Fixture.Client));
        var sent = await sharing.SendAsync(
            new SecretEnvelope(Text, [new SecretFile("a\u001b]0;t\u0007b\u202etxt.exe", null, [1])]),
            new SendOptions { MaxViews = ViewLimit.Of(2) }, TestContext.Current.CancellationToken);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var terminal = new CliHost { In = new StringReader(""), Out = stdout, Error = stderr, IsOutputRedirected = false, IsErrorRedirected = false };

        var exitCode = await CliApp.RunAsync(["get", sent.Link.ToString()], terminal, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Equal("hi\\x1B]52;c;ZXZpbA==\\x07\\x1B]0;owned\\x07 \\u009B2J\\x0DX\r\nok\tdone\\x7F\n", stdout.ToString());
        Assert.Contains("1 file (a]0;tbtxt.exe, 1 byte)", stderr.ToString());
        Assert.DoesNotMatch("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]", stderr.ToString());

        var redirected = await Cli.RunAsync(["get", sent.Link.ToString()]);
        Assert.Equal((ExitCodes.Ok, Text), (redirected.ExitCode, redirected.Stdout));
    }

    [Fact]
    public async Task Force_refuses_a_planted_symbolic_link_and_never_writes_outside_the_folder()
    {
        using var folder = new TempFolder();
        var output = Path.Combine(folder.Path, "out");
        Directory.CreateDirectory(output);
        var victim = folder.Write("victim.txt", "mine"u8.ToArray());
        File.CreateSymbolicLink(Path.Combine(output, "passwd"), victim);
        File.CreateSymbolicLink(Path.Combine(output, "new.txt"), Path.Combine(folder.Path, "planted.txt"));
        var sharing = new SecretSharing(new SecretShareClient(Fixture.Client));
        var sent = await sharing.SendAsync(
            new SecretEnvelope("", [new SecretFile("passwd", null, [2])]), new SendOptions { MaxViews = ViewLimit.Of(2) }, TestContext.Current.CancellationToken);
        var dangling = await sharing.SendAsync(
            new SecretEnvelope("", [new SecretFile("new.txt", null, [3])]), new SendOptions { MaxViews = ViewLimit.Of(2) }, TestContext.Current.CancellationToken);

        var forced = await Cli.RunAsync(["get", sent.Link.ToString(), "-o", output, "--force"]);
        Assert.Equal(ExitCodes.Usage, forced.ExitCode);
        Assert.Contains("symbolic link", forced.Stderr);
        var forcedDangling = await Cli.RunAsync(["get", dangling.Link.ToString(), "-o", output, "--force"]);
        Assert.Equal(ExitCodes.Usage, forcedDangling.ExitCode);

        // Without --force a link is a taken name like any other.
        var kept = await Cli.RunAsync(["get", dangling.Link.ToString(), "-o", output]);
        Assert.Equal(ExitCodes.Ok, kept.ExitCode);
        Assert.Equal([3], await File.ReadAllBytesAsync(Path.Combine(output, "new (2).txt"), TestContext.Current.CancellationToken));

        Assert.Equal("mine", await File.ReadAllTextAsync(victim, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(folder.Path, "planted.txt")));
        Assert.Equal(["out", "victim.txt"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["new (2).txt", "new.txt", "passwd"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Links_and_passphrases_come_from_standard_input_or_the_environment_and_no_command_carries_a_token()
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--views", "3", "--json"], stdin: "from env",
            environment: new() { ["SECRETSHARE_PASSPHRASE"] = "pass from env" });
        using var json = JsonDocument.Parse(send.Stdout);
        var link = json.RootElement.GetProperty("link").GetString()!;
        Assert.Equal("pass from env", json.RootElement.GetProperty("passphrase").GetString());

        var fromStdin = await Cli.RunAsync(["get", "-", "--passphrase-stdin"], stdin: $"{link}\npass from env\n");
        Assert.Equal((ExitCodes.Ok, "from env"), (fromStdin.ExitCode, fromStdin.Stdout));

        var fromEnvironment = await Cli.RunAsync(["get"], environment: new() { ["SECRETSHARE_LINK"] = link, ["SECRETSHARE_PASSPHRASE"] = "pass from env" });
        Assert.Equal((ExitCodes.Ok, "from env"), (fromEnvironment.ExitCode, fromEnvironment.Stdout));

        var wrong = await Cli.RunAsync(["get", link, "--passphrase-stdin"], stdin: "not it\n");
        Assert.Equal(ExitCodes.WrongPassphrase, wrong.ExitCode);

        // The text output names the status link (it carries the manage token) on its own, never inside a command to paste.
        var text = await Cli.RunAsync(["send", "--server", Server], stdin: "x");
        var statusLink = Cli.Lines(text.Stderr).Select(line => Regex.Match(line, @"https?://\S+/status/\S+").Value).Single(value => value != "");
        var manageToken = StatusLink.Parse(statusLink).ManageToken;
        Assert.All(Cli.Lines(text.Stderr).Where(line => line.Contains("secretshare ", StringComparison.Ordinal)),
            line => Assert.DoesNotContain(manageToken, line));
        var status = await Cli.RunAsync(["status", "-"], stdin: statusLink + "\n");
        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        Assert.Contains("Status: active", status.Stdout);
    }

    /// <summary>
    /// The command-line sessions in the READMEs, pasted into bash in order, with the real <c>secretshare</c> executable
    /// on PATH and the documented server address replaced by this one: every command must succeed, and nothing may be
    /// left in the folder they ran in.
    /// </summary>
    [Theory]
    [InlineData("README.md")]
    [InlineData("SecretShare.Cli/README.md")]
    public async Task The_documented_session_works_as_written(string document)
    {
        const string DocumentedServer = "http://127.0.0.1:5080";
        var markdown = await File.ReadAllTextAsync(Path.Combine(ExternalProcess.RepositoryRoot(), document), TestContext.Current.CancellationToken);
        var sessions = Regex.Matches(markdown, "```(?:bash|sh)\n(.*?)```", RegexOptions.Singleline)
            .Select(match => match.Groups[1].Value)
            .Where(block => block.Contains("secretshare send", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(sessions);

        var folder = Directory.CreateTempSubdirectory("secretshare-test-docs-");
        try
        {
            foreach (var session in sessions)
            {
                Assert.Contains(DocumentedServer, session);
                var output = await ExternalProcess.RunAsync(
                    "bash",
                    ["-euo", "pipefail", "-c", session.Replace(DocumentedServer, Server, StringComparison.Ordinal)],
                    // A handful of CLI starts, each deriving the key with 600000 PBKDF2 iterations, on a busy machine.
                    timeout: TimeSpan.FromMinutes(3),
                    environment: new Dictionary<string, string?>
                    {
                        ["PATH"] = AppContext.BaseDirectory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                        ["SECRETSHARE_URL"] = null,
                    },
                    workingDirectory: folder.FullName);
                Assert.Contains("hunter2", output);
                Assert.Contains("Deleted.", output);
            }

            Assert.Empty(folder.EnumerateFileSystemInfos());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
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
    [InlineData("send --server https://s.invalid --views 0")]
    [InlineData("send --server https://s.invalid --views many")]
    [InlineData("send --server https://s.invalid --expires 1y")]
    [InlineData("send --server https://s.invalid --passphrase a --generate-passphrase")]
    [InlineData("send --server https://s.invalid --file /nonexistent/secret.txt")]
    [InlineData("send --server https://s.invalid --file /etc/passwd --file /etc/../etc/passwd")]
    [InlineData("get https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --force")]
    [InlineData("get https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --output /etc/passwd")]
    [InlineData("get")]
    [InlineData("get https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA")]
    [InlineData("get not-a-link")]
    [InlineData("send --server https://s.invalid --expires 999999w")]
    [InlineData("extend https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("extend https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --add-views 0")]
    [InlineData("extend https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --add-time forever")]
    [InlineData("delete https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -p a --manage-token b")]
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

    [Theory]
    [InlineData("get http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("get https://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --server http://192.0.2.1")]
    [InlineData("send --server http://secrets.example.com")]
    [InlineData("status http://s.invalid/status/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("delete http://s.invalid/s/AQIDBAUGBwgJCgsMDQ4PEA#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --manage-token AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Plain_http_to_another_machine_is_refused_before_any_request_unless_insecure(string commandLine)
    {
        using var tripwire = new NoNetworkHandler();
        var refused = await Cli.RunAsync(commandLine.Split(' '), stdin: "x", handler: tripwire);
        Assert.Equal((ExitCodes.Usage, 0), (refused.ExitCode, tripwire.Attempts));
        Assert.Contains("--insecure", refused.Stderr);

        var allowed = await Cli.RunAsync([.. commandLine.Split(' '), "--insecure"], stdin: "x", handler: tripwire);
        Assert.Equal(ExitCodes.ServerError, allowed.ExitCode);
        Assert.Equal(1, tripwire.Attempts);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9")]
    [InlineData("http://localhost:9")]
    [InlineData("http://[::1]:9")]
    public async Task Plain_http_to_this_machine_needs_no_insecure(string server)
    {
        using var tripwire = new NoNetworkHandler();
        var result = await Cli.RunAsync(["send"], stdin: "x", environment: new() { ["SECRETSHARE_URL"] = server }, handler: tripwire);
        Assert.Equal((ExitCodes.ServerError, 1), (result.ExitCode, tripwire.Attempts));
    }

    [Fact]
    public async Task A_missing_link_names_every_way_to_give_it()
    {
        using var tripwire = new NoNetworkHandler();
        var none = await Cli.RunAsync(["get"], handler: tripwire);
        Assert.Equal((ExitCodes.Usage, 0), (none.ExitCode, tripwire.Attempts));
        Assert.Contains("SECRETSHARE_LINK", none.Stderr);

        var emptyStdin = await Cli.RunAsync(["status", "-"], stdin: "", handler: tripwire);
        Assert.Equal((ExitCodes.Usage, 0), (emptyStdin.ExitCode, tripwire.Attempts));
        Assert.Contains("standard input", emptyStdin.Stderr);
    }

    [Fact]
    public async Task Empty_stdin_is_a_usage_error()
    {
        var result = await Cli.RunAsync(["send", "--server", "https://s.invalid"], stdin: "");
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

/// <summary>A temporary folder removed with everything in it.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("secretshare-test-").FullName;

    /// <summary>Writes a file at a path relative to the folder and returns its full path.</summary>
    public string Write(string relativePath, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
