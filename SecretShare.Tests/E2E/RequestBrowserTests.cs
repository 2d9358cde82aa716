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

    [Fact]
    public async Task Request_pages_speak_Norwegian_end_to_end_and_the_inbox_switches_language_in_place_keeping_a_revealed_answer()
    {
        await UseLocaleAsync("nb-NO");
        var page = await NewPageAsync();
        await page.GotoAsync("/request");
        await Expect(page).ToHaveTitleAsync("SecretShare: be om en hemmelighet");
        await Expect(page.Locator("#expires option:checked")).ToHaveTextAsync("1 døgn");
        await page.Locator("#create").ClickAsync();
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await Expect(page.Locator("#result-heading")).ToHaveTextAsync("Forespørselen din er klar");
        var fillIn = await page.Locator("#fill-in-link").InputValueAsync();
        var inbox = await page.Locator("#inbox-link").InputValueAsync();

        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await Expect(sender.Locator("h1")).ToHaveTextAsync("Noen har bedt deg om en hemmelighet");
        await Expect(sender.Locator("#open-until")).ToContainTextAsync("Åpen til ");
        await sender.Locator("#secret").FillAsync("på norsk");
        await sender.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "nøkkel.txt", MimeType = "text/plain", Buffer = "hei"u8.ToArray() });
        await Expect(sender.Locator("#file-list button")).ToHaveAttributeAsync("aria-label", "Fjern nøkkel.txt");
        await sender.Locator("#send").ClickAsync();
        await Expect(sender.Locator("#sent-detail")).ToContainTextAsync("bare de kan lese den");

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await Expect(requester.Locator("#inbox-summary")).ToHaveTextAsync("1 svar mottatt. Den tar ikke imot flere svar.");
        await requester.Locator("#answer-list button.reveal").ClickAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("på norsk");
        await Expect(requester.Locator("#answer-list")).ToContainTextAsync("Det var siste visning");
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveAttributeAsync("aria-label", "Teksten i svar 1");

        // In place: the revealed answer (now deleted from the server) stays, every text changes.
        await ChooseLanguageByKeyboardAsync(requester, "en");
        await Expect(requester.Locator("h1")).ToHaveTextAsync("Answers to your request");
        await Expect(requester.Locator("#inbox-summary")).ToHaveTextAsync("1 answer received. It takes no more answers.");
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("på norsk");
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveAttributeAsync("aria-label", "Text of answer 1");
        await Expect(requester.Locator("#answer-list button[aria-label='Download nøkkel.txt']")).ToHaveTextAsync("Download");
        await Expect(requester.Locator("#answer-list")).ToContainTextAsync("That was its last view");
        await Expect(requester.Locator("#event-list")).ToContainTextAsync("Answer 1 received");
        AssertCleanRun();
    }

    [Theory]
    [InlineData("en-GB")]
    [InlineData("nb-NO")]
    [InlineData("ar")]
    public async Task Request_pages_in_every_state_have_no_WCAG_2_1_AA_violation(string locale)
    {
        ExpectFailedApiCalls(404);
        await UseLocaleAsync(locale);
        var language = locale[..2];
        var page = await NewPageAsync();
        await page.GotoAsync("/request");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("#language")).ToHaveValueAsync(language);
        await AssertAccessibleAsync(page, "request form");

        await page.Locator("#answers").FillAsync("2");
        await page.Locator("#create").ClickAsync();
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await AssertAccessibleAsync(page, "request, links shown");
        var fillIn = await page.Locator("#fill-in-link").InputValueAsync();
        var inbox = await page.Locator("#inbox-link").InputValueAsync();

        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await Expect(sender.Locator("#send")).ToBeVisibleAsync();
        await AssertAccessibleAsync(sender, "fill-in form");
        await sender.Locator("#secret").FillAsync("axe");
        await sender.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Expect(sender.Locator("#file-list li")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(sender, "fill-in form, a file attached");
        await sender.Locator("#send").ClickAsync();
        await Expect(sender.Locator("#sent-heading")).ToBeFocusedAsync();
        await AssertAccessibleAsync(sender, "fill-in, sent");

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await Expect(requester.Locator("#answer-list button.reveal")).ToBeVisibleAsync();
        await AssertAccessibleAsync(requester, "inbox with an answer");
        await requester.Locator("#answer-list button.reveal").ClickAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("axe");
        await Expect(requester.Locator("#answer-list .file-list li")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(requester, "inbox, answer revealed with a file");
        await requester.Locator("#delete-request").ClickAsync();
        await Expect(requester.Locator("#confirm-delete")).ToBeFocusedAsync();
        await AssertAccessibleAsync(requester, "inbox, delete confirmation");

        var gone = await NewPageAsync();
        await gone.GotoAsync($"/r/{new string('A', 22)}#{fillIn.Split('#')[1]}");
        await Expect(gone.Locator("#error")).Not.ToBeEmptyAsync();
        await AssertAccessibleAsync(gone, "fill-in, request gone");
        if (language == "ar")
        {
            await ScreenshotAsync(requester, "inbox-rtl");
        }

        AssertCleanRun();
    }

    [Fact]
    public async Task Request_is_reachable_from_the_home_page_by_keyboard_and_leads_back()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#ask-for-secret")).ToHaveTextAsync("Need a secret from someone else? Ask them for it");
        await TabToVisiblyAsync(page, "ask-for-secret");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/request$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Ask someone for a secret");

        await TabToVisiblyAsync(page, "share-instead");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Share a secret");
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_a_hostile_senders_file_name_reaches_the_inbox_without_its_bidi_override()
    {
        var (fillIn, inbox) = await CreateRequestOnPageAsync();
        // A sender with a client of its own: U+202E would show "invoice\u202Efdp.exe" as "invoiceexe.pdf".
        await new RequestSharing(new SecretShareClient(fixture.Client)).RespondAsync(
            FillInLink.Parse(fillIn), new SecretEnvelope("see attached", [new SecretFile("invoice\u202Efdp.exe", null, KeyFile)]), Ct);

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await requester.Locator("#answer-list button.reveal").ClickAsync();
        await Expect(requester.Locator("#answer-list textarea.answer-text")).ToHaveValueAsync("see attached");
        await Expect(requester.Locator("#answer-list ul.file-list")).ToContainTextAsync("invoicefdp.exe");
        Assert.DoesNotContain('\u202E', await requester.Locator("#answer-list").InnerTextAsync());
        var download = await requester.RunAndWaitForDownloadAsync(() => requester.Locator("#answer-list button[aria-label='Download invoicefdp.exe']").ClickAsync());
        Assert.Equal("invoicefdp.exe", download.SuggestedFilename);
        AssertCleanRun();
    }

    [Fact]
    public async Task Request_deleted_from_the_inbox_after_a_confirmation_takes_its_answer_and_closes_the_fill_in_page()
    {
        ExpectFailedApiCalls(404);
        var (fillIn, inbox) = await CreateRequestOnPageAsync();
        var link = InboxLink.Parse(inbox);
        var answer = await new RequestSharing(new SecretShareClient(fixture.Client)).RespondAsync(FillInLink.Parse(fillIn), new SecretEnvelope("unread"), Ct);

        var requester = await NewPageAsync();
        await requester.GotoAsync(inbox);
        await Expect(requester.Locator("#answer-list button.reveal")).ToBeVisibleAsync();

        // By keyboard: the confirmation opens with the focus on its button, and Escape closes it, changing nothing.
        await TabToVisiblyAsync(requester, "delete-request");
        await requester.Keyboard.PressAsync("Enter");
        await Expect(requester.Locator("#confirm-delete")).ToBeFocusedAsync();
        await Expect(requester.Locator("#delete-request")).ToHaveAttributeAsync("aria-expanded", "true");
        await requester.Keyboard.PressAsync("Escape");
        await Expect(requester.Locator("#confirm-group")).ToBeHiddenAsync();
        await Expect(requester.Locator("#delete-request")).ToBeFocusedAsync();
        Assert.True(await fixture.Backend.IsRequestStoredAsync(link.Id));

        await requester.Keyboard.PressAsync("Enter");
        await Expect(requester.Locator("#confirm-delete")).ToBeFocusedAsync();
        await requester.Keyboard.PressAsync("Enter");
        await Expect(requester.Locator("#status")).ToHaveTextAsync("The request and its answers have been deleted. Its links no longer work.");
        await Expect(requester.Locator("#another-request")).ToBeFocusedAsync();
        await Expect(requester.Locator("#summary")).ToBeHiddenAsync();
        await Expect(requester.Locator("#answer-list li")).ToHaveCountAsync(0);
        Assert.False(await fixture.Backend.IsRequestStoredAsync(link.Id));
        Assert.False(await fixture.Backend.IsStoredAsync(answer.Id));

        var sender = await NewPageAsync();
        await sender.GotoAsync(fillIn);
        await Expect(sender.Locator("#error")).ToHaveTextAsync("This request is no longer open: it has expired, already has its answer, or never existed.");
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
