using Microsoft.Playwright;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Tests.Client;
using static Microsoft.Playwright.Assertions;
using CliRunner = SecretShare.Tests.Client.Cli;

namespace SecretShare.Tests.E2E;

/// <summary>Requests (docs/spec.md section 8) in the browser: web → web, CLI → web and web → CLI, with files.</summary>
public sealed partial class BrowserTests
{
    private static readonly byte[] KeyFile = [.. Enumerable.Range(0, 3000).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task Request_web_to_web_with_a_file()
    {
        var (fillIn, inbox) = await CreateRequestOnPageAsync();

        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await sender.Locator("#secret").FillAsync("the database password");
        await sender.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "id_rsa", MimeType = "application/octet-stream", Buffer = KeyFile });
        await Expect(sender.Locator("#file-list li")).ToHaveCountAsync(1);
        await sender.Locator("#send").ClickAsync();
        await Expect(sender.Locator("#sent-heading")).ToBeFocusedAsync();
        await Expect(sender.Locator("#sent-detail")).ToContainTextAsync("only they can read it");

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await requester.Locator("#answer-list button.reveal").ClickAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("the database password");
        Assert.DoesNotContain("#", requester.Url); // the private key left the address bar and the history
        var download = await requester.RunAndWaitForDownloadAsync(() => requester.Locator("#answer-list button[aria-label='Download id_rsa']").ClickAsync());
        Assert.Equal(KeyFile, await File.ReadAllBytesAsync(await download.PathAsync(), Ct));
        await Expect(requester.Locator("#answer-list")).ToContainTextAsync("last view");

        await requester.Locator("#refresh").ClickAsync();
        await Expect(requester.Locator("#event-list li")).ToHaveCountAsync(4);
        await Expect(requester.Locator("#event-list")).ToContainTextAsync("Answer 1 read");
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_cli_to_web_respond_sends_a_file_the_web_inbox_opens()
    {
        var (fillIn, inbox) = await CreateRequestOnPageAsync();
        using var folder = new TempFolder();
        var path = folder.Write("deploy.key", KeyFile);

        var respond = await CliRunner.RunAsync(["respond", fillIn, "--file", path], stdin: "from the terminal");
        Assert.Equal((ExitCodes.Ok, ""), (respond.ExitCode, respond.Stdout));
        Assert.Contains("Only the requester can read it", respond.Stderr);

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await requester.Locator("#answer-list button.reveal").ClickAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("from the terminal");
        var download = await requester.RunAndWaitForDownloadAsync(() => requester.Locator("#answer-list button[aria-label='Download deploy.key']").ClickAsync());
        Assert.Equal(KeyFile, await File.ReadAllBytesAsync(await download.PathAsync(), Ct));
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_web_to_cli_the_cli_inbox_saves_the_web_senders_file()
    {
        var request = await CliRunner.RunAsync(["request", "--server", fixture.Origin]);
        Assert.Equal(ExitCodes.Ok, request.ExitCode);
        var (fillIn, inbox) = (CliRunner.Lines(request.Stdout)[0], CliRunner.Lines(request.Stdout)[1]);
        Assert.Contains("/r/", fillIn);
        Assert.Contains("/i/", inbox);

        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await sender.Locator("#secret").FillAsync("typed in the browser");
        await sender.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "cert.pem", MimeType = "application/x-pem-file", Buffer = KeyFile });
        await sender.Locator("#send").ClickAsync();
        await Expect(sender.Locator("#sent-heading")).ToBeVisibleAsync();

        using var folder = new TempFolder();
        var read = await CliRunner.RunAsync(["inbox", inbox, "--output", folder.Path]);
        Assert.Equal((ExitCodes.Ok, "typed in the browser"), (read.ExitCode, read.Stdout));
        Assert.Equal(KeyFile, await File.ReadAllBytesAsync(Path.Combine(folder.Path, "cert.pem"), Ct));
        Assert.Contains("last view", read.Stderr);
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_a_public_key_swapped_in_the_database_is_refused_by_the_page_and_by_respond()
    {
        var created = await new RequestSharing(new SecretShareClient(fixture.Client), fixture.BaseAddress).CreateAsync(cancellationToken: Ct);
        await fixture.Backend.SetRequestPublicKeyAsync(created.FillInLink.Id, RequestProtocol.PublicKeyOf(RequestProtocol.GenerateKeyPair()));

        var sender = await NewPageAsync();
        await sender.GotoAsync(created.FillInLink.ToString());
        await Expect(sender.Locator("#error")).ToContainTextAsync("Refused: the server sent a key that does not match your link");
        await Expect(sender.Locator("#respond-form")).ToBeHiddenAsync();

        var respond = await CliRunner.RunAsync(["respond", created.FillInLink.ToString()], stdin: "for the attacker?");
        Assert.Equal(ExitCodes.KeyMismatch, respond.ExitCode);
        Assert.Contains("does not match the fingerprint", respond.Stderr);

        Assert.Empty((await new RequestSharing(new SecretShareClient(fixture.Client)).GetInboxAsync(created.InboxLink, Ct)).Answers);
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_pages_work_by_keyboard_and_fit_a_phone()
    {
        var page = await NewPageAsync(width: 360, height: 740);
        await page.GotoAsync("/request");
        Assert.Equal("en", await page.Locator("html").GetAttributeAsync("lang"));
        await Expect(page).ToHaveTitleAsync("SecretShare: ask for a secret");

        // Keyboard only: Tab to the button and press Enter; focus lands on the result's heading.
        await page.Locator("#answers").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#create")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        Assert.True(await ScrollWidthAsync(page) <= 360, $"Request page scrollWidth {await ScrollWidthAsync(page)} > 360");
        var fillIn = await page.Locator("#fill-in-link").InputValueAsync();
        var inbox = await page.Locator("#inbox-link").InputValueAsync();

        var sender = await NewPageAsync(width: 360, height: 740);
        await sender.GotoAsync(fillIn);
        // The form appears once the page has checked the request's key: a person starts typing then, and so does this.
        await Expect(sender.Locator("#send")).ToBeVisibleAsync();
        await sender.Locator("#secret").FocusAsync();
        await sender.Keyboard.TypeAsync("by keyboard");
        await sender.Keyboard.PressAsync("Tab");
        await sender.Keyboard.PressAsync("Tab");
        await Expect(sender.Locator("#send")).ToBeFocusedAsync();
        await sender.Keyboard.PressAsync("Enter");
        await Expect(sender.Locator("#sent-heading")).ToBeFocusedAsync();
        Assert.True(await ScrollWidthAsync(sender) <= 360, $"Fill-in page scrollWidth {await ScrollWidthAsync(sender)} > 360");

        var requester = await NewPageAsync(width: 360, height: 740);
        await requester.GotoAsync(inbox);
        await Expect(requester.Locator("#answer-list button.reveal")).ToBeVisibleAsync();
        await requester.Locator("#answer-list button.reveal").FocusAsync();
        await requester.Keyboard.PressAsync("Enter");
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToBeFocusedAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveAttributeAsync("aria-label", "Text of answer 1");
        Assert.True(await ScrollWidthAsync(requester) <= 360, $"Inbox page scrollWidth {await ScrollWidthAsync(requester)} > 360");
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_the_fill_in_page_refuses_an_answer_over_the_limit_before_uploading()
    {
        var (fillIn, inbox) = await CreateRequestOnPageAsync();
        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await sender.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "big.bin", MimeType = "application/octet-stream", Buffer = new byte[200_000] });
        await Expect(sender.Locator("#budget")).ToContainTextAsync("Too large");
        await Expect(sender.Locator("#send")).ToBeDisabledAsync();

        // Nothing was uploaded: the request still takes its one answer.
        var link = InboxLink.Parse(inbox);
        var state = await new RequestSharing(new SecretShareClient(fixture.Client)).GetInboxAsync(link, Ct);
        Assert.Equal((0, 1), (state.Answers.Count, state.AnswersRemaining));
        Assert.DoesNotContain(requests, url => url.EndsWith("/answers", StringComparison.Ordinal));
        AssertCleanRun();
    }

    /// <summary>Creates a request on the request page; returns the fill-in and inbox links it shows.</summary>
    private async Task<(string FillIn, string Inbox)> CreateRequestOnPageAsync()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/request");
        await page.Locator("#create").ClickAsync();
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        return (await page.Locator("#fill-in-link").InputValueAsync(), await page.Locator("#inbox-link").InputValueAsync());
    }
}
