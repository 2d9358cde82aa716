using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SecretShare.Client;
using static Microsoft.Playwright.Assertions;

namespace SecretShare.Tests.E2E;

/// <summary>
/// The web UI's languages and accessibility (docs/design.md, "Languages"): the page's language follows Accept-Language,
/// the switcher overrides it and is remembered, Arabic is laid out right to left, axe-core finds no WCAG 2.1 A/AA
/// violation in any page or state in English, Norwegian Bokmål and Arabic, and the whole flow works by keyboard.
/// </summary>
public sealed partial class BrowserTests
{
    private static readonly AxeRunOptions WcagAA = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    [Theory]
    [InlineData("en-GB,en;q=0.9", "en", "ltr", "Share a secret")]
    [InlineData("nb-NO,nb;q=0.9,en;q=0.8", "nb", "ltr", "Del en hemmelighet")]
    [InlineData("no", "nb", "ltr", "Del en hemmelighet")]
    [InlineData("ar-EG", "ar", "rtl", "شارك سرًا")]
    [InlineData("xx, de;q=0.5, fr;q=0.8", "fr", "ltr", "Partager un secret")]
    [InlineData("nb;q=0, da", "da", "ltr", "Del en hemmelighed")]
    [InlineData("tlh, *", "en", "ltr", "Share a secret")]
    [InlineData("", "en", "ltr", "Share a secret")]
    [InlineData(";;q=x, =, en-", "en", "ltr", "Share a secret")]
    public async Task Accept_Language_picks_the_language_the_server_writes_into_the_page(
        string acceptLanguage, string lang, string dir, string heading)
    {
        var id = new string('A', 22);
        foreach (var path in new[] { "/", $"/s/{id}", $"/status/{id}", "/request", $"/r/{id}", $"/i/{id}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (acceptLanguage != "")
            {
                request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
            }

            using var response = await fixture.Client.SendAsync(request, Ct);
            var html = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Contains($"<html lang=\"{lang}\" dir=\"{dir}\">", html, StringComparison.Ordinal);
            Assert.Equal([lang], response.Content.Headers.ContentLanguage);
            Assert.Contains("Accept-Language", response.Headers.Vary);
            Assert.Equal(new MediaTypeHeaderValue("text/html") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
            // The static texts are there before any script runs: a screen reader's first words, and the page without script.
            Assert.Matches("<h1 [^>]*data-i18n=\"[a-z]+\\.heading\">[^<]+</h1>", html);
            Assert.Matches("<noscript><p class=\"error\" data-i18n=\"[a-z]+\\.noscript\">[^<]+</p></noscript>", html);
            Assert.Contains("<select id=\"language\" name=\"language\"></select>", html, StringComparison.Ordinal);
            if (path == "/")
            {
                Assert.Contains($"<h1 data-i18n=\"create.heading\">{heading}</h1>", html, StringComparison.Ordinal);
                Assert.Matches("<meta name=\"description\" data-i18n-content=\"create.description\" content=\"[^\"]+\">", html);
            }
        }
    }

    [Fact]
    public async Task With_Accept_Language_nb_the_whole_flow_speaks_Norwegian_and_maps_API_errors()
    {
        ExpectFailedApiCalls(403, 404);
        await UseLocaleAsync("nb-NO");
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "på norsk", passphrase: "riktig frase", views: 2);

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nb");
        await Expect(page.Locator("#result-heading")).ToHaveTextAsync("Den hemmelige lenken din er klar");
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("Den kan åpnes 2 ganger.");
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync(new Regex(@"^Utløper .+ \(om 24 timer\)\."));
        await Expect(page.Locator("#status")).ToHaveTextAsync("Den hemmelige lenken er laget. Kopier lenken og send den til mottakeren.");
        var statusLink = await page.Locator("#status-link").InputValueAsync();

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#meta")).ToContainTextAsync("2 visninger igjen. Beskyttet med en passordfrase.");
        await view.Locator("#passphrase").FillAsync("feil frase");
        await view.Locator("#reveal-button").ClickAsync();
        // The 403's problem details are English; the page says it in Norwegian.
        await Expect(view.Locator("#error")).ToHaveTextAsync("Feil passordfrase. 4 forsøk igjen.");
        await view.Locator("#passphrase").FillAsync("riktig frase");
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("på norsk");
        await Expect(view.Locator("#views-left")).ToContainTextAsync("1 visning igjen.");
        await Expect(view.Locator("#status")).ToHaveTextAsync("Hemmeligheten vises.");

        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#state")).ToHaveTextAsync("Aktiv: ikke brukt opp ennå");
        await Expect(status.Locator("#chain")).ToHaveTextAsync("Serveren melder: historikken er uendret, 3 registrerte hendelser i rekkefølge.");
        await Expect(status.Locator("#event-list li").Nth(1)).ToContainTextAsync("Noen prøvde en feil passordfrase eller et feil token");

        var gone = await NewPageAsync();
        await gone.GotoAsync($"/s/{new string('A', 22)}#{created.Link.KeyText}");
        await Expect(gone.Locator("#error")).ToHaveTextAsync("Denne hemmeligheten finnes ikke, har utløpt eller er allerede vist.");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_switcher_changes_the_language_in_place_by_keyboard_and_is_remembered()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "switch me", views: 3);
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("It can be opened 3 times.");

        await ChooseLanguageByKeyboardAsync(page, "nb");

        // The page changed in place: the link and the manage token are still there, every text is Norwegian.
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nb");
        await Expect(page.Locator("#result-heading")).ToHaveTextAsync("Den hemmelige lenken din er klar");
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("Den kan åpnes 3 ganger.");
        await Expect(page.Locator("#share-link")).ToHaveValueAsync(created.LinkText);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Siden er nå på norsk bokmål.");
        await Expect(page.Locator("#language-apply")).ToBeFocusedAsync();
        Assert.Equal("SecretShare: del en hemmelighet med en lenke som sletter seg selv", await page.TitleAsync());

        // Remembered: the next page opens in Norwegian although the browser asks for English.
        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("html")).ToHaveAttributeAsync("lang", "nb");
        await Expect(view.Locator("h1")).ToHaveTextAsync("Noen har delt en hemmelighet med deg");
        await Expect(view.Locator("#meta")).ToContainTextAsync("3 visninger igjen.");

        await ChooseLanguageByKeyboardAsync(view, "ar");
        await Expect(view.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(view.Locator("#reveal-button")).ToHaveTextAsync("اكشف السر");
        await Expect(view.Locator("#meta")).ToContainTextAsync("تبقّت 3 مشاهدات.");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_Arabic_pages_are_laid_out_right_to_left()
    {
        await UseLocaleAsync("ar");
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Expect(page.Locator("#create-button")).ToHaveTextAsync("إنشاء رابط سري");

        // Mirrored: the main column's text starts at the right edge, the file picker's hint too; the link stays left to right.
        var heading = await page.Locator("h1").BoundingBoxAsync();
        var main = await page.Locator("#main").BoundingBoxAsync();
        Assert.True(heading!.X + heading.Width > main!.X + main.Width - 40, $"h1 ends at {heading.X + heading.Width}, main at {main.X + main.Width}");
        Assert.Equal("rtl", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('secret-text')).direction"));
        await ScreenshotAsync(page, "create-rtl");

        var created = await CreateInBrowserAsync(page, "نص سري", passphrase: "كلمة سر", views: 2, extendable: true, navigate: false);
        Assert.Equal("ltr", await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('share-link')).direction"));
        await Expect(page.Locator("#result-expiry")).ToContainTextAsync("يمكن فتحه مرتين.");
        await ScreenshotAsync(page, "create-result-rtl");

        var view = await NewPageAsync();
        await RevealAsync(view, created.LinkText, "كلمة سر");
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("نص سري");
        await Expect(view.Locator("#views-left")).ToContainTextAsync("تبقّت مشاهدة واحدة.");
        await ScreenshotAsync(view, "reveal-rtl");

        // On a phone the mirrored header and form still fit: no horizontal scrolling.
        var phone = await NewPageAsync(width: 360, height: 740);
        await phone.GotoAsync("/");
        await Expect(phone.Locator("#create-button")).ToBeVisibleAsync();
        Assert.True(await ScrollWidthAsync(phone) <= 360, $"Arabic create page scrollWidth {await ScrollWidthAsync(phone)} > 360");
        await ScreenshotAsync(phone, "create-rtl-360px");
        AssertCleanRun();
    }

    [Theory]
    [InlineData("en-GB")]
    [InlineData("nb-NO")]
    [InlineData("ar")]
    public async Task Every_page_and_state_has_no_WCAG_2_1_AA_violation(string locale)
    {
        ExpectFailedApiCalls(403, 404);
        await UseLocaleAsync(locale);
        var language = locale[..2];
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        await Expect(page.Locator("#language")).ToHaveValueAsync(language);
        await AssertAccessibleAsync(page, "create");

        await page.Locator("#create-button").ClickAsync();
        await Expect(page.Locator("#error")).Not.ToBeEmptyAsync();
        await AssertAccessibleAsync(page, "create, nothing entered");

        await page.Locator("#file-input").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "hello"u8.ToArray() });
        await Expect(page.Locator("#file-list li")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(page, "create, a file attached");

        var created = await CreateInBrowserAsync(page, "axe", passphrase: "right words", views: 3, extendable: true, navigate: false);
        await AssertAccessibleAsync(page, "result");
        await AssertAccessibleInDarkAsync(page, "result");
        var statusLink = await page.Locator("#status-link").InputValueAsync();

        var view = await NewPageAsync();
        await view.GotoAsync(created.LinkText);
        await Expect(view.Locator("#passphrase-group")).ToBeVisibleAsync();
        await Expect(view.Locator("#extend-panel")).ToBeVisibleAsync();
        await AssertAccessibleAsync(view, "view, before reveal");

        await view.Locator("#passphrase").FillAsync("wrong words");
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#passphrase")).ToHaveAttributeAsync("aria-invalid", "true");
        await AssertAccessibleAsync(view, "view, wrong passphrase");
        await AssertAccessibleInDarkAsync(view, "view, wrong passphrase");

        await view.Locator("#delete-now").ClickAsync();
        await Expect(view.Locator("#confirm-group")).ToBeVisibleAsync();
        await AssertAccessibleAsync(view, "view, delete confirmation");
        await view.Locator("#cancel-delete").ClickAsync();

        await view.Locator("#passphrase").FillAsync("right words");
        await view.Locator("#reveal-button").ClickAsync();
        await Expect(view.Locator("#revealed-text")).ToHaveValueAsync("axe");
        await Expect(view.Locator("#revealed-files li")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(view, "view, revealed with a file");
        await AssertAccessibleInDarkAsync(view, "view, revealed with a file");

        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#event-list li")).ToHaveCountAsync(3);
        await AssertAccessibleAsync(status, "status");
        await AssertAccessibleInDarkAsync(status, "status");

        var gone = await NewPageAsync();
        await gone.GotoAsync($"/s/{new string('A', 22)}#{created.Link.KeyText}");
        await Expect(gone.Locator("#error")).Not.ToBeEmptyAsync();
        await AssertAccessibleAsync(gone, "view, not found");

        var unknownStatus = await NewPageAsync();
        await unknownStatus.GotoAsync($"/status/{new string('A', 22)}#{created.Link.KeyText}");
        await Expect(unknownStatus.Locator("#error")).Not.ToBeEmptyAsync();
        await AssertAccessibleAsync(unknownStatus, "status, not found");
        if (language == "ar")
        {
            await ScreenshotAsync(status, "status-rtl");
        }

        AssertCleanRun();
    }

    [Fact]
    public async Task Create_share_reveal_and_status_work_by_keyboard_with_visible_focus_and_announced_results()
    {
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new BrowserContextGrantPermissionsOptions { Origin = fixture.Origin });
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#create-button")).ToBeEnabledAsync();
        await Expect(page.Locator("#status")).ToHaveAttributeAsync("aria-live", "polite");

        await TabToVisiblyAsync(page, "secret-text");
        await page.Keyboard.TypeAsync("keyboard only");
        await TabToVisiblyAsync(page, "create-button");
        await page.Keyboard.PressAsync("Enter");

        await Expect(page.Locator("#result-heading")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Secret link created. Copy the link and send it to the recipient.");

        // Share: copy the link and the status link, each announced.
        await TabToVisiblyAsync(page, "copy-link");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Link copied to the clipboard.");
        var link = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(await page.Locator("#share-link").InputValueAsync(), link);
        await TabToVisiblyAsync(page, "copy-status-link");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Status link copied to the clipboard.");
        var statusLink = await page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

        // Reveal.
        var view = await NewPageAsync();
        await view.GotoAsync(link);
        await Expect(view.Locator("#meta")).ToContainTextAsync("1 view left.");
        await TabToVisiblyAsync(view, "reveal-button");
        await view.Keyboard.PressAsync("Enter");
        await Expect(view.Locator("#revealed-heading")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(view);
        await Expect(view.Locator("#status")).ToHaveTextAsync("Secret revealed. It has now been deleted from the server.");
        await TabToVisiblyAsync(view, "copy-secret");
        await view.Keyboard.PressAsync("Enter");
        await Expect(view.Locator("#status")).ToHaveTextAsync("Secret copied to the clipboard.");

        // Status: refresh, announced; the history shows the reveal.
        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#state")).ToHaveTextAsync("Burned: the secret is gone");
        await TabToVisiblyAsync(status, "refresh");
        await status.Keyboard.PressAsync("Enter");
        await Expect(status.Locator("#status")).ToHaveTextAsync("Status updated.");
        await Expect(status.Locator("#event-list li").Last).ToContainTextAsync("Burned: the last view was taken");
        AssertCleanRun();
    }

    // ---------- helpers ----------

    /// <summary>Replaces this test's browser context by one whose browser asks for <paramref name="locale"/> (Accept-Language).</summary>
    private async Task UseLocaleAsync(string locale)
    {
        await context.CloseAsync();
        context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = locale,
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(30_000);
    }

    /// <summary>Picks a language in the switcher by keyboard alone: Tab to it, arrow keys to the option, Tab and Enter.</summary>
    private static async Task ChooseLanguageByKeyboardAsync(IPage page, string code)
    {
        for (var presses = 0; await page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''") != "language"; presses++)
        {
            Assert.True(presses < 40, "#language did not receive the focus after 40 presses of Shift+Tab");
            await page.Keyboard.PressAsync("Shift+Tab");
        }

        await AssertFocusVisibleAsync(page);
        var codes = await page.Locator("#language option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        var current = Array.IndexOf(codes, await page.Locator("#language").InputValueAsync());
        var target = Array.IndexOf(codes, code);
        for (var step = current; step != target; step += Math.Sign(target - current))
        {
            await page.Keyboard.PressAsync(target > current ? "ArrowDown" : "ArrowUp");
        }

        await Expect(page.Locator("#language")).ToHaveValueAsync(code);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator("#language-apply")).ToBeFocusedAsync();
        await AssertFocusVisibleAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", code);
    }

    /// <summary>Tabs to the element and checks that the focus is visible there.</summary>
    private static async Task TabToVisiblyAsync(IPage page, string id)
    {
        await TabToAsync(page, id);
        await AssertFocusVisibleAsync(page);
    }

    /// <summary>The focused element matches :focus-visible and draws an outline of at least 2 px (site.css: 3 px).</summary>
    private static async Task AssertFocusVisibleAsync(IPage page)
    {
        var focus = await page.EvaluateAsync<string[]>(
            """
            () => {
              const element = document.activeElement;
              const style = getComputedStyle(element);
              return [element.id || element.tagName, String(element.matches(':focus-visible')), style.outlineStyle, style.outlineWidth];
            }
            """);
        Assert.True(focus[1] == "true" && focus[2] != "none" && double.Parse(focus[3].Replace("px", ""), System.Globalization.CultureInfo.InvariantCulture) >= 2,
            $"Focus on {focus[0]} is not visible: :focus-visible={focus[1]}, outline {focus[2]} {focus[3]}");
    }

    /// <summary>The same in the dark colour scheme (the stylesheet's <c>prefers-color-scheme: dark</c>), then back to light.</summary>
    private static async Task AssertAccessibleInDarkAsync(IPage page, string state)
    {
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Dark });
        try
        {
            Assert.True(await page.EvaluateAsync<bool>("() => matchMedia('(prefers-color-scheme: dark)').matches"));
            await AssertAccessibleAsync(page, state + ", dark");
        }
        finally
        {
            await page.EmulateMediaAsync(new PageEmulateMediaOptions { ColorScheme = ColorScheme.Light });
        }
    }

    /// <summary>axe-core finds no WCAG 2.0/2.1 A or AA violation on the page as it is now.</summary>
    private static async Task AssertAccessibleAsync(IPage page, string state)
    {
        var result = await page.RunAxe(WcagAA);
        var lang = await page.Locator("html").GetAttributeAsync("lang");
        Assert.True(result.Violations.Length == 0, $"{state} ({lang}): " + string.Join(" | ", result.Violations.Select(violation =>
            $"{violation.Id} ({violation.Impact}): {violation.Help} at {string.Join(", ", violation.Nodes.Select(node => node.Target?.ToString()))}")));
        Assert.NotEmpty(result.Passes);
    }
}
