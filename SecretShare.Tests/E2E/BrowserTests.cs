using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Tests.Client;
using SecretShare.Tests.Infrastructure;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;
using static Microsoft.Playwright.Assertions;
using CliRunner = SecretShare.Tests.Client.Cli;

namespace SecretShare.Tests.E2E;

/// <summary>
/// The web UI in a real browser (Debian's Chromium through Playwright) against the real API on the backend chosen by
/// <c>E2E_DATABASE</c>. Element ids are the stable ones listed at the top of create.js and view.js. Every test ends with
/// <see cref="AssertCleanRun"/>: no request left the origin, no page error, no console error except the 403/404
/// resource-load messages a negative scenario declares with <see cref="ExpectFailedApiCalls"/>.
/// Run: <c>dotnet test SecretShare.Tests --filter "Category=E2E"</c> (needs <c>apt-get install -y chromium</c>).
/// </summary>
[Trait("Category", "E2E")]
[E2EBackendTrait]
public sealed partial class BrowserTests(E2EFixture fixture) : IClassFixture<E2EFixture>, IAsyncLifetime
{
    private static readonly Dictionary<int, string> ReasonPhrases = new() { [403] = "Forbidden", [404] = "Not Found" };

    private readonly List<string> requests = [];
    private readonly List<string> pageErrors = [];
    private readonly List<(string Text, string Location)> consoleErrors = [];
    private readonly HashSet<int> expectedFailedStatuses = [];
    private IBrowserContext context = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(30_000);
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();

    [Fact]
    public async Task Create_then_reveal_shows_the_same_text()
    {
        var text = "db password: s3cr3t-\u00e4\u00f6\u00fc \u2713\nsecond line";
        var page = await NewPageAsync();

        var created = await CreateInBrowserAsync(page, text);

        Assert.StartsWith($"{fixture.Origin}/s/{created.Link.Id}#", created.LinkText);
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("It can be opened once.");
        await Expect(page.Locator("#passphrase-result")).ToBeHiddenAsync();
        await Expect(page.Locator("#create-form")).ToBeHiddenAsync();
        await ScreenshotAsync(page, "create-result");

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#meta")).ToContainTextAsync("1 view left");
        await Expect(view.Locator("#reveal-hint")).ToContainTextAsync("This is the last view");
        await Expect(view.Locator("#passphrase-group")).ToBeHiddenAsync();
        await Expect(view.Locator("#revealed")).ToBeHiddenAsync();
        await view.Locator("#reveal-button").ClickAsync();

        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync(text);
        await Expect(view.Locator("#views-left")).ToHaveTextAsync("This was the last view; the secret is now deleted.");
        await Expect(view.Locator("#details")).ToBeHiddenAsync();
        await ScreenshotAsync(view, "reveal");
        Assert.False(await fixture.Backend.IsStoredAsync(created.Link.Id));
        AssertCleanRun();
    }

    [Fact]
    public async Task A_one_view_secret_is_gone_on_a_second_visit()
    {
        ExpectFailedApiCalls(404);
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "only once");
        await RevealAsync(page, created.LinkText);
        await Expect(page.Locator("#revealed-text")).ToHaveValueAsync("only once");

        var second = await NewPageAsync();
        await second.GotoAsync(created.LinkText);

        await Expect(second.Locator("#error")).ToHaveTextAsync("This secret does not exist, has expired or has already been viewed.");
        await Expect(second.Locator("#details")).ToBeHiddenAsync();
        await Expect(second.Locator("#revealed")).ToBeHiddenAsync();
        await Expect(second.Locator("#delete-panel")).ToBeHiddenAsync();
        AssertCleanRun();
    }

    [Fact]
    public async Task Loading_the_view_page_does_not_consume_a_view()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "look, don't touch", views: 3);

        var view = await NewPageAsync();
        for (var visit = 0; visit < 3; visit++)
        {
            await view.GotoAsync(created.LinkText);
            await Expect(view.Locator("#meta")).ToContainTextAsync("3 views left");
            await Expect(view.Locator("#reveal-button")).ToBeVisibleAsync();
        }

        var metadata = await GetMetadataAsync(created.Link.Id);
        Assert.Equal(3, metadata["viewsRemaining"]!.GetValue<int>());
        Assert.Equal(3, metadata["maxViews"]!.GetValue<int>());

        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("look, don't touch");
        await Expect(view.Locator("#views-left")).ToContainTextAsync("2 views left");
        Assert.Equal(2, (await GetMetadataAsync(created.Link.Id))["viewsRemaining"]!.GetValue<int>());
        AssertCleanRun();
    }

    [Fact]
    public async Task The_key_leaves_the_address_bar_and_the_history_once_read_and_still_decrypts()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "no trace", views: 2);
        var statusLink = await page.Locator("#status-link").InputValueAsync();
        var bare = $"{fixture.Origin}/s/{created.Link.Id}";

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#meta")).ToContainTextAsync("2 views left");
        Assert.Equal(bare, view.Url);
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("no trace");

        // Back and forth through the history: no entry holds the key any more.
        await view.GotoAsync("/");
        await view.GoBackAsync();
        Assert.Equal(bare, view.Url);
        Assert.Equal(bare, await view.EvaluateAsync<string>("location.href"));

        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#event-list li")).ToHaveCountAsync(2);
        Assert.Equal($"{fixture.Origin}/status/{created.Link.Id}", status.Url);
        AssertCleanRun();
    }

    [Fact]
    public async Task Passphrase_flow_shows_attempts_left_after_a_wrong_passphrase_then_reveals_with_the_right_one()
    {
        ExpectFailedApiCalls(403);
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "behind a passphrase", passphrase: "correct horse tr\u00f6ll");
        await Expect(page.Locator("#passphrase-result")).ToBeVisibleAsync();
        await Expect(page.Locator("#passphrase-display")).ToHaveValueAsync("correct horse tr\u00f6ll");
        Assert.DoesNotContain("horse", created.LinkText, StringComparison.Ordinal);

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#meta")).ToContainTextAsync("Protected by a passphrase.");
        await Expect(view.Locator("#passphrase-group")).ToBeVisibleAsync();

        await view.Locator("#passphrase").FillAsync("wrong horse");
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#error")).ToHaveTextAsync("Wrong passphrase. 4 attempts left.");
        await Expect(view.Locator("#passphrase")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(view.Locator("#passphrase")).ToBeFocusedAsync();
        await Expect(view.Locator("#revealed")).ToBeHiddenAsync();

        // The same words typed in NFD must work: the page normalizes to NFC before PBKDF2.
        await view.Locator("#passphrase").FillAsync("correct horse tro\u0308ll");
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("behind a passphrase");
        await Expect(view.Locator("#error")).ToBeEmptyAsync();
        Assert.False(await fixture.Backend.IsStoredAsync(created.Link.Id));
        AssertCleanRun();
    }

    [Fact]
    public async Task Exhausting_the_attempts_burns_the_secret()
    {
        ExpectFailedApiCalls(403, 404);
        var sharing = new SecretSharing(new SecretShareClient(fixture.Client));
        var sent = await sharing.SendAsync("never to be seen", new SendOptions { Passphrase = "the right one", MaxViews = 3 }, Ct);

        var view = await NewPageAsync();
        await view.GotoAsync(sent.Link.ToString());
        await Expect(view.Locator("#passphrase-group")).ToBeVisibleAsync();
        for (var left = 4; left >= 1; left--)
        {
            await view.Locator("#passphrase").FillAsync($"wrong {left}");
            await view.Locator("#reveal-button").ClickAsync();
            await Expect(view.Locator("#error")).ToHaveTextAsync($"Wrong passphrase. {left} attempt{(left == 1 ? "" : "s")} left.");
        }

        await view.Locator("#passphrase").FillAsync("wrong 0");
        await view.Locator("#reveal-button").ClickAsync();

        await Expect(view.Locator("#error")).ToHaveTextAsync("Wrong passphrase. Too many wrong attempts: the secret has been deleted.");
        await Expect(view.Locator("#details")).ToBeHiddenAsync();
        await Expect(view.Locator("#delete-panel")).ToBeHiddenAsync();
        Assert.False(await fixture.Backend.IsStoredAsync(sent.Link.Id));
        using (var gone = await fixture.Client.GetAsync($"api/secrets/{sent.Link.Id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // Even the right passphrase is too late now. (Opened again: a reload has no key, removed once read.)
        await view.GotoAsync(sent.Link.ToString());
        await Expect(view.Locator("#error")).ToHaveTextAsync("This secret does not exist, has expired or has already been viewed.");
        AssertCleanRun();
    }

    [Fact]
    public async Task Extend_adds_time_and_views()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "extend me", views: 2, expirySeconds: 3600, extendable: true);
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("The recipient can extend it.");
        var before = await GetMetadataAsync(created.Link.Id);
        Assert.True(before["extendable"]!.GetValue<bool>());

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#extend-panel")).ToBeVisibleAsync();
        await Expect(view.Locator("#add-views-group")).ToBeVisibleAsync();
        await view.Locator("#add-seconds").SelectOptionAsync("86400");
        await view.Locator("#add-views").FillAsync("3");
        await view.Locator("#extend-button").ClickAsync();

        await Expect(view.Locator("#status")).ToContainTextAsync("Extended.");
        await Expect(view.Locator("#meta")).ToContainTextAsync("5 views left");
        var after = await GetMetadataAsync(created.Link.Id);
        Assert.Equal((5, 5), (after["maxViews"]!.GetValue<int>(), after["viewsRemaining"]!.GetValue<int>()));
        var added = after["expiresAt"]!.GetValue<DateTimeOffset>() - before["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.InRange(added, TimeSpan.FromSeconds(86_400 - 5), TimeSpan.FromSeconds(86_400 + 5));

        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("extend me");
        await Expect(view.Locator("#views-left")).ToContainTextAsync("4 views left");
        AssertCleanRun();
    }

    [Fact]
    public async Task Delete_now_on_the_view_page_removes_the_secret()
    {
        ExpectFailedApiCalls(404);
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "delete me", views: 2);

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#delete-panel")).ToBeVisibleAsync();
        await view.Locator("#delete-now").ClickAsync();
        await Expect(view.Locator("#confirm-group")).ToBeVisibleAsync();
        await Expect(view.Locator("#confirm-delete")).ToBeFocusedAsync();
        await Expect(view.Locator("#delete-now")).ToHaveAttributeAsync("aria-expanded", "true");

        // Cancel first: nothing happens.
        await view.Locator("#cancel-delete").ClickAsync();
        await Expect(view.Locator("#confirm-group")).ToBeHiddenAsync();
        Assert.True(await fixture.Backend.IsStoredAsync(created.Link.Id));

        await view.Locator("#delete-now").ClickAsync();
        await view.Locator("#confirm-delete").ClickAsync();
        await Expect(view.Locator("#status")).ToHaveTextAsync("The secret has been deleted. Nobody can open the link any more.");
        await Expect(view.Locator("#details")).ToBeHiddenAsync();
        await Expect(view.Locator("#delete-panel")).ToBeHiddenAsync();
        Assert.False(await fixture.Backend.IsStoredAsync(created.Link.Id));

        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#error")).ToHaveTextAsync("This secret does not exist, has expired or has already been viewed.");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_creator_can_delete_now_from_the_create_page()
    {
        ExpectFailedApiCalls(404);
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "changed my mind", views: 5);
        Assert.True(await fixture.Backend.IsStoredAsync(created.Link.Id));

        await page.Locator("#delete-now").ClickAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync("The secret has been deleted. The link no longer works.");
        await Expect(page.Locator("#delete-now")).ToBeHiddenAsync();
        await Expect(page.Locator("#create-another")).ToBeFocusedAsync();
        Assert.False(await fixture.Backend.IsStoredAsync(created.Link.Id));

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#error")).ToHaveTextAsync("This secret does not exist, has expired or has already been viewed.");

        // "Create another" brings back an empty form.
        await page.Locator("#create-another").ClickAsync();
        await Expect(page.Locator("#create-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#secret-text")).ToHaveValueAsync("");
        await Expect(page.Locator("#secret-text")).ToBeFocusedAsync();
        AssertCleanRun();
    }

    [Fact]
    public async Task A_secret_sent_by_the_CLI_opens_in_the_browser()
    {
        var text = "from the CLI \u2713\nsecond line\n";
        var send = await CliRunner.RunAsync(
            ["send", "--server", fixture.Origin, "--generate-passphrase", "--views", "2", "--extendable", "--json"], stdin: text);
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        var json = JsonNode.Parse(send.Stdout)!;
        var link = json["link"]!.GetValue<string>();
        var passphrase = json["passphrase"]!.GetValue<string>();

        var view = await NewPageAsync();
        await view.GotoAsync(link);
        await Expect(view.Locator("#meta")).ToContainTextAsync("2 views left");
        await Expect(view.Locator("#extend-panel")).ToBeVisibleAsync();
        await view.Locator("#passphrase").FillAsync(passphrase);
        await view.Locator("#reveal-button").ClickAsync();

        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync(text);
        await Expect(view.Locator("#views-left")).ToContainTextAsync("1 view left");
        AssertCleanRun();
    }

    [Fact]
    public async Task A_secret_created_in_the_browser_opens_with_the_CLI()
    {
        var text = "from the browser \u00e4\u00f6\u00fc\nline two";
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#generate-passphrase").ClickAsync();
        var generated = await page.Locator("#passphrase").InputValueAsync();
        Assert.Equal(5, generated.Split(' ').Length);
        Assert.All(generated.Split(' '), word => Assert.Contains(word, PassphraseGenerator.Words));
        var created = await CreateInBrowserAsync(page, text, navigate: false);
        await Expect(page.Locator("#passphrase-display")).ToHaveValueAsync(generated);

        var wrong = await CliRunner.RunAsync(["get", created.LinkText, "-p", "not the words"]);
        Assert.Equal(ExitCodes.WrongPassphrase, wrong.ExitCode);
        Assert.Contains("4 attempts left", wrong.Stderr);

        var get = await CliRunner.RunAsync(["get", created.LinkText, "-p", generated]);
        Assert.Equal((ExitCodes.Ok, text), (get.ExitCode, get.Stdout));
        Assert.Contains("last view", get.Stderr);
        AssertCleanRun();
    }

    [Fact]
    public async Task The_stored_bytes_never_contain_the_plaintext_or_the_key()
    {
        var text = "plaintext-marker-7f3a9c \u00e4\u00f6\u00fc";
        var passphrase = "stored-passphrase-marker";
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, text, passphrase: passphrase, views: 2);

        var stored = await fixture.Backend.ReadStoredBytesAsync(created.Link.Id);

        Assert.NotNull(stored);
        Assert.True(stored.Length > 64, $"Only {stored.Length} bytes stored");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes(text)), "The stored row contains the plaintext");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes("plaintext-marker")), "The stored row contains part of the plaintext");
        Assert.False(Contains(stored, created.Link.Key), "The stored row contains the key bytes");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes(created.Link.KeyText)), "The stored row contains the key's base64url text");
        Assert.False(Contains(stored, Encoding.UTF8.GetBytes(passphrase)), "The stored row contains the passphrase");

        // It still opens: the ciphertext is there, only useless without the link.
        var view = await NewPageAsync();
        await RevealAsync(view, created.LinkText, passphrase);
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync(text);
        AssertCleanRun();
    }

    [Fact]
    public async Task The_pages_request_nothing_outside_their_origin_and_send_a_strict_policy()
    {
        var page = await NewPageAsync();
        var createResponse = await page.GotoAsync("/");
        Assert.NotNull(createResponse);
        Assert.Contains("default-src 'self'", await createResponse.HeaderValueAsync("content-security-policy") ?? "");
        var created = await CreateInBrowserAsync(page, "same origin only", navigate: false);

        var view = await NewPageAsync();
        var viewResponse = await view.GotoAsync(created.LinkText);
        Assert.NotNull(viewResponse);
        Assert.Contains("default-src 'self'", await viewResponse.HeaderValueAsync("content-security-policy") ?? "");
        Assert.Equal("no-referrer", await viewResponse.HeaderValueAsync("referrer-policy"));
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("same origin only");

        string[] seen;
        lock (requests)
        {
            seen = [.. requests];
        }

        // The pages did load their own scripts, styles and API calls, and nothing else.
        Assert.Contains(seen, url => url == $"{fixture.Origin}/js/create.js");
        Assert.Contains(seen, url => url == $"{fixture.Origin}/js/view.js");
        Assert.Contains(seen, url => url == $"{fixture.Origin}/css/site.css");
        Assert.Contains(seen, url => url == $"{fixture.Origin}/api/secrets");
        Assert.Contains(seen, url => url == $"{fixture.Origin}/api/secrets/{created.Link.Id}/reveal");

        // The key stays in the fragment: no request URL other than the page navigation itself carries it.
        Assert.All(seen.Where(url => !url.StartsWith($"{fixture.Origin}/s/", StringComparison.Ordinal)),
            url => Assert.DoesNotContain(created.Link.KeyText, url, StringComparison.Ordinal));
        AssertCleanRun();
    }

    [Fact]
    public async Task The_create_and_reveal_flows_work_with_the_keyboard_alone()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#create-button")).ToBeEnabledAsync();

        await TabToAsync(page, "secret-text");
        await page.Keyboard.TypeAsync("typed without a mouse");
        await TabToAsync(page, "views");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("2");
        await TabToAsync(page, "extendable");
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#extendable")).ToBeCheckedAsync();
        await TabToAsync(page, "create-button");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#result")).ToBeVisibleAsync();
        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("It can be opened 2 times. The recipient can extend it.");
        var link = await page.Locator("#share-link").InputValueAsync();
        Assert.StartsWith($"{fixture.Origin}/s/", link);

        var view = await NewPageAsync();
        await view.GotoAsync(link);
        await Expect(view.Locator("#meta")).ToContainTextAsync("2 views left");
        await TabToAsync(view, "reveal-button");
        await view.Keyboard.PressAsync("Enter");

        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("typed without a mouse");
        await Expect(view.Locator("#revealed-heading")).ToBeFocusedAsync();

        // The delete confirmation opens and closes from the keyboard too (Escape), focus returning to its button.
        await TabToAsync(view, "delete-now");
        await view.Keyboard.PressAsync("Enter");
        await Expect(view.Locator("#confirm-delete")).ToBeFocusedAsync();
        await view.Keyboard.PressAsync("Escape");
        await Expect(view.Locator("#confirm-group")).ToBeHiddenAsync();
        await Expect(view.Locator("#delete-now")).ToBeFocusedAsync();
        AssertCleanRun();
    }

    [Fact]
    public async Task A_360_pixel_phone_screen_needs_no_horizontal_scrolling()
    {
        var page = await NewPageAsync(width: 360, height: 740);
        await page.GotoAsync("/");
        await Expect(page.Locator("#create-button")).ToBeVisibleAsync();
        Assert.True(await ScrollWidthAsync(page) <= 360, $"Create page scrollWidth {await ScrollWidthAsync(page)} > 360");

        await page.Locator("#generate-passphrase").ClickAsync();
        var longName = new string('n', 150) + ".txt";
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = longName, MimeType = "text/plain", Buffer = [1, 2, 3] });
        await Expect(page.Locator("#file-list li")).ToHaveCountAsync(1);
        Assert.True(await ScrollWidthAsync(page) <= 360, $"Create page with a file scrollWidth {await ScrollWidthAsync(page)} > 360");
        var longLine = "ssh-ed25519 " + new string('A', 300) + " someone@example.com";
        var created = await CreateInBrowserAsync(page, longLine, navigate: false, views: 2, extendable: true);
        Assert.True(await ScrollWidthAsync(page) <= 360, $"Create result scrollWidth {await ScrollWidthAsync(page)} > 360");
        var qr = await page.Locator("#share-qr").BoundingBoxAsync();
        Assert.True(qr is { Width: > 100 and <= 360 }, $"QR code box {qr?.Width} px wide");
        await ScreenshotAsync(page, "create-result-360px");

        var passphrase = await page.Locator("#passphrase-display").InputValueAsync();
        var view = await NewPageAsync(width: 360, height: 740);
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#passphrase-group")).ToBeVisibleAsync();
        Assert.True(await ScrollWidthAsync(view) <= 360, $"View page scrollWidth {await ScrollWidthAsync(view)} > 360");
        await RevealAsync(view, null, passphrase);
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync(longLine);
        await Expect(view.Locator("#revealed-files li")).ToHaveCountAsync(1);
        Assert.True(await ScrollWidthAsync(view) <= 360, $"Reveal page scrollWidth {await ScrollWidthAsync(view)} > 360");
        await ScreenshotAsync(view, "reveal-360px");
        AssertCleanRun();
    }

    [Fact]
    public async Task Files_attached_by_picker_and_by_drop_are_downloaded_with_their_names_and_bytes_never_shown_inline()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#size-hint")).ToContainTextAsync("left of 256 kB");
        var notes = "first line \u00e4\r\nsecond\n"u8.ToArray();
        var html = "<script>document.title = 'rendered'</script><h1>rendered</h1>"u8.ToArray();
        var dropped = RandomNumberGenerator.GetBytes(3000);

        await page.Locator("#file-input").SetInputFilesAsync(
        [
            new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = notes },
            new FilePayload { Name = "page.html", MimeType = "text/html", Buffer = html },
        ]);
        await Expect(page.Locator("#status")).ToContainTextAsync("Attached notes.txt and page.html.");
        await DropFileAsync(page, "dropped.bin", dropped);
        await Expect(page.Locator("#status")).ToContainTextAsync("Attached dropped.bin.");
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "mistake.txt", MimeType = "text/plain", Buffer = [1] });
        await Expect(page.Locator("#file-list li")).ToHaveCountAsync(4);

        // Removing is a keyboard-reachable button per file; focus stays in the list.
        await page.Locator("#file-list button[aria-label='Remove mistake.txt']").ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Removed mistake.txt.");
        await Expect(page.Locator("#file-list .file-name")).ToHaveTextAsync(["notes.txt (22 bytes)", "page.html (61 bytes)", "dropped.bin (2.9 kB)"]);
        await Expect(page.Locator("#file-list button[aria-label='Remove dropped.bin']")).ToBeFocusedAsync();
        await ScreenshotAsync(page, "create-with-files");

        var created = await CreateInBrowserAsync(page, "see the files", views: 2, navigate: false);
        await Expect(page.Locator("#file-list")).ToBeHiddenAsync();

        var view = await NewPageAsync();
        await RevealAsync(view, created.LinkText);
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("see the files");
        await Expect(view.Locator("#revealed-files li")).ToHaveCountAsync(3);
        await ScreenshotAsync(view, "reveal-with-files");
        var pagesBefore = context.Pages.Count;
        foreach (var (name, bytes) in new[] { ("notes.txt", notes), ("page.html", html), ("dropped.bin", dropped) })
        {
            var download = await view.RunAndWaitForDownloadAsync(() => view.Locator($"#revealed-files button[aria-label='Download {name}']").ClickAsync());
            Assert.Equal(name, download.SuggestedFilename);
            Assert.Equal(bytes, await File.ReadAllBytesAsync(await download.PathAsync(), Ct));
            await Expect(view.Locator("#status")).ToHaveTextAsync($"Download of {name} started.");
        }

        // Nothing was opened or rendered: same page, same URL (without the key, removed once read), no new tab, the HTML
        // file's script never ran.
        Assert.Equal(pagesBefore, context.Pages.Count);
        Assert.Equal(created.LinkText[..created.LinkText.IndexOf('#', StringComparison.Ordinal)], view.Url);
        Assert.NotEqual("rendered", await view.TitleAsync());
        AssertCleanRun();
    }

    [Fact]
    public async Task Too_much_for_the_payload_limit_is_refused_before_upload_saying_by_how_much()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#secret-text").FillAsync("x");

        // A file larger than the whole limit is not even attached.
        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "huge.iso", MimeType = "application/octet-stream", Buffer = new byte[300_000] });
        await Expect(page.Locator("#error")).ToContainTextAsync("Not attached: huge.iso (293 kB). Each file must be well under the limit of 256 kB");
        await Expect(page.Locator("#file-list")).ToBeHiddenAsync();

        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "big.bin", MimeType = "application/octet-stream", Buffer = new byte[200_000] });

        // The exact size the CLI would compute for the same envelope.
        var size = SecretProtocol.PayloadSize(new SecretEnvelope("x", [new SecretFile("big.bin", "application/octet-stream", new byte[200_000])]));
        var over = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(size - 262_144) / 1024.0:0.#} kB");
        await Expect(page.Locator("#size-hint")).ToContainTextAsync($"Too large: {over} over the limit of 256 kB");
        await page.Locator("#create-button").ClickAsync();

        await Expect(page.Locator("#error")).ToContainTextAsync($"{over} over the limit of 256 kB. Remove a file or shorten the text.");
        await Expect(page.Locator("#file-list button")).ToBeFocusedAsync();
        await Expect(page.Locator("#result")).ToBeHiddenAsync();
        lock (requests)
        {
            Assert.DoesNotContain($"{fixture.Origin}/api/secrets", requests);
        }

        await page.Locator("#file-list button").ClickAsync();
        await Expect(page.Locator("#size-hint")).ToContainTextAsync("left of 256 kB");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_QR_code_on_the_result_card_decodes_to_the_share_link()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "scan me");

        await Expect(page.Locator("#share-qr")).ToBeVisibleAsync();
        var pixels = await page.EvaluateAsync<JsonElement>(
            """
            () => {
              const canvas = document.getElementById('share-qr');
              const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let binary = '';
              for (let i = 0; i < data.length; i += 8192) binary += String.fromCharCode(...data.subarray(i, i + 8192));
              return { width: canvas.width, height: canvas.height, rgba: btoa(binary) };
            }
            """);
        var source = new RGBLuminanceSource(
            Convert.FromBase64String(pixels.GetProperty("rgba").GetString()!),
            pixels.GetProperty("width").GetInt32(),
            pixels.GetProperty("height").GetInt32(),
            RGBLuminanceSource.BitmapFormat.RGBA32);
        var decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)));

        Assert.NotNull(decoded);
        Assert.Equal(created.LinkText, decoded.Text);

        // "Create another" takes the code away with the link.
        await page.Locator("#create-another").ClickAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.getElementById('share-qr').width"));
        AssertCleanRun();
    }

    [Fact]
    public async Task Files_and_a_passphrase_from_the_browser_open_with_the_CLI()
    {
        var binary = RandomNumberGenerator.GetBytes(10_000);
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#file-input").SetInputFilesAsync(
        [
            new FilePayload { Name = "key.bin", MimeType = "application/octet-stream", Buffer = binary },
            new FilePayload { Name = "readme.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() },
        ]);
        var created = await CreateInBrowserAsync(page, "", passphrase: "web to cli", navigate: false);

        using var folder = new TempFolder();
        var get = await CliRunner.RunAsync(["get", created.LinkText, "-p", "web to cli", "--output", folder.Path]);

        Assert.Equal((ExitCodes.Ok, ""), (get.ExitCode, get.Stdout));
        Assert.Equal(binary, await File.ReadAllBytesAsync(Path.Combine(folder.Path, "key.bin"), Ct));
        Assert.Equal("hello"u8.ToArray(), await File.ReadAllBytesAsync(Path.Combine(folder.Path, "readme.txt"), Ct));
        Assert.Contains("last view", get.Stderr);
        AssertCleanRun();
    }

    [Fact]
    public async Task Files_and_a_passphrase_from_the_CLI_download_in_the_browser()
    {
        using var folder = new TempFolder();
        var binary = RandomNumberGenerator.GetBytes(20_000);
        var path = folder.Write("backup.tar.gz", binary);
        var send = await CliRunner.RunAsync(["send", "--server", fixture.Origin, "-f", path, "--generate-passphrase", "--json"], stdin: "restore with tar -xzf");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        var json = JsonNode.Parse(send.Stdout)!;

        var view = await NewPageAsync();
        await RevealAsync(view, json["link"]!.GetValue<string>(), json["passphrase"]!.GetValue<string>());

        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("restore with tar -xzf");
        await Expect(view.Locator("#revealed-files .file-name")).ToHaveTextAsync(["backup.tar.gz (19.5 kB)"]);
        var download = await view.RunAndWaitForDownloadAsync(() => view.Locator(".download-file").ClickAsync());
        Assert.Equal("backup.tar.gz", download.SuggestedFilename);
        Assert.Equal(binary, await File.ReadAllBytesAsync(await download.PathAsync(), Ct));
        AssertCleanRun();
    }

    // ---------- helpers ----------

    private sealed record CreatedInBrowser(string LinkText, ShareLink Link);

    /// <summary>A page in this test's context that records its requests, console errors and page errors.</summary>
    private async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var page = await context.NewPageAsync();
        if (width != 1280 || height != 900)
        {
            await page.SetViewportSizeAsync(width, height);
        }

        page.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add((message.Text, message.Location));
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (pageErrors)
            {
                pageErrors.Add(error);
            }
        };
        return page;
    }

    /// <summary>Fills the create form (navigating to / first unless told not to), submits it and waits for the link.</summary>
    private static async Task<CreatedInBrowser> CreateInBrowserAsync(
        IPage page, string text, string? passphrase = null, int? views = null, int? expirySeconds = null, bool extendable = false,
        bool navigate = true)
    {
        if (navigate)
        {
            await page.GotoAsync("/");
        }

        await page.Locator("#secret-text").FillAsync(text);
        if (expirySeconds is { } seconds)
        {
            await page.Locator("#expiry").SelectOptionAsync(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (views is { } count)
        {
            await page.Locator("#views").FillAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (passphrase is not null)
        {
            await page.Locator("#passphrase").FillAsync(passphrase);
        }

        if (extendable)
        {
            await page.Locator("#extendable").CheckAsync();
        }

        await page.Locator("#create-button").ClickAsync();
        await Expect(page.Locator("#result")).ToBeVisibleAsync();
        await Expect(page.Locator("#error")).ToBeEmptyAsync();
        var linkText = await page.Locator("#share-link").InputValueAsync();
        return new CreatedInBrowser(linkText, ShareLink.Parse(linkText));
    }

    /// <summary>Opens the link (unless null: the page is already there), enters the passphrase if given and reveals.</summary>
    private static async Task RevealAsync(IPage page, string? link, string? passphrase = null)
    {
        if (link is not null)
        {
            await page.GotoAsync(link);
        }

        await Expect(page.Locator("#reveal-button")).ToBeVisibleAsync();
        if (passphrase is not null)
        {
            await page.Locator("#passphrase").FillAsync(passphrase);
        }

        await page.Locator("#reveal-button").ClickAsync();
        await Expect(page.Locator("#revealed")).ToBeVisibleAsync();
    }

    /// <summary>Presses Tab until the element with this id has the focus.</summary>
    private static async Task TabToAsync(IPage page, string id, int maxPresses = 30)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") == id)
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"#{id} did not receive the focus after {maxPresses} presses of Tab");
    }

    /// <summary>Drops a file on the create page's drop zone the way a browser does: a drop event carrying a DataTransfer.</summary>
    private static async Task DropFileAsync(IPage page, string name, byte[] bytes)
    {
        var dataTransfer = await page.EvaluateHandleAsync(
            """
            ([name, base64]) => {
              const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
              return transfer;
            }
            """,
            new[] { name, Convert.ToBase64String(bytes) });
        await page.Locator("#drop-zone").DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
        await page.Locator("#drop-zone").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
    }

    private static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");

    private async Task<JsonObject> GetMetadataAsync(string id)
    {
        using var response = await fixture.Client.GetAsync($"api/secrets/{id}");
        return await response.AssertOkAsync();
    }

    /// <summary>
    /// Saves a screenshot next to the test binaries and names it in the output. Not a result attachment: the test
    /// adapter writes those to a folder of its own in /tmp (as NAME.png.png) and never deletes them.
    /// </summary>
    private async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}-{E2EFixture.BackendName.ToLowerInvariant()}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
    }

    /// <summary>Declares that this scenario makes the page see these API statuses (Chromium logs them as console errors).</summary>
    private void ExpectFailedApiCalls(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            expectedFailedStatuses.Add(status);
        }
    }

    /// <summary>No request left the origin; no page error; no console error but the declared failed API calls.</summary>
    private void AssertCleanRun()
    {
        string[] seen;
        lock (requests)
        {
            seen = [.. requests];
        }

        Assert.NotEmpty(seen);
        var foreign = seen.Where(url => !url.StartsWith(fixture.Origin + "/", StringComparison.Ordinal)).ToArray();
        Assert.True(foreign.Length == 0, "Requests outside the origin: " + string.Join(", ", foreign));

        lock (pageErrors)
        {
            Assert.True(pageErrors.Count == 0, "Page errors: " + string.Join(" | ", pageErrors));
        }

        lock (consoleErrors)
        {
            var unexpected = consoleErrors.Where(error => !IsExpectedFailedApiCall(error.Text, error.Location)).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{seen.Length} requests, all to {fixture.Origin}; {consoleErrors.Count - unexpected.Length} expected console error(s): "
                + string.Join(" | ", consoleErrors.Except(unexpected).Select(e => e.Text).Distinct()));
            Assert.True(unexpected.Length == 0, "Console errors: " + string.Join(" | ", unexpected.Select(e => $"{e.Text} @ {e.Location}")));
        }
    }

    private bool IsExpectedFailedApiCall(string text, string location) =>
        expectedFailedStatuses.Any(status =>
            text == $"Failed to load resource: the server responded with a status of {status} ({ReasonPhrases[status]})"
            && (location.StartsWith($"{fixture.Origin}/api/secrets/", StringComparison.Ordinal)
                || location.StartsWith($"{fixture.Origin}/api/requests/", StringComparison.Ordinal)));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
