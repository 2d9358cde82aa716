using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SecretShare.Tests.E2E;

/// <summary>The creator's private status page (<c>/m/{id}#{manageToken}</c>, status.html and status.js) in a real browser.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_status_link_shows_the_view_and_the_burn_with_a_verified_history()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "watch me");
        var statusLink = await page.Locator("#status-link").InputValueAsync();
        Assert.StartsWith($"{fixture.Origin}/m/{created.Link.Id}#", statusLink);
        var manageToken = statusLink[(statusLink.IndexOf('#', StringComparison.Ordinal) + 1)..];

        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#state")).ToHaveTextAsync("Active: not used up yet");
        await Expect(status.Locator("#state-detail")).ToContainTextAsync("1 view left");
        await Expect(status.Locator("#event-list li")).ToHaveTextAsync([new System.Text.RegularExpressions.Regex("Created, with 1 view$")]);
        await Expect(status.Locator("#chain")).ToHaveTextAsync("History verified: 1 recorded event, intact and in order.");

        await RevealAsync(await NewPageAsync(), created.LinkText);
        await status.Locator("#refresh").ClickAsync();

        await Expect(status.Locator("#state")).ToHaveTextAsync("Burned: the secret is gone");
        await Expect(status.Locator("#event-list li")).ToHaveCountAsync(3);
        await Expect(status.Locator("#event-list li").Nth(1)).ToContainTextAsync("Viewed (0 views left)");
        await Expect(status.Locator("#event-list li").Nth(2)).ToContainTextAsync("Burned: the last view was taken");
        await Expect(status.Locator("#chain")).ToContainTextAsync("History verified: 3 recorded events, intact");
        await Expect(status.Locator("#delete-now")).ToBeHiddenAsync();
        lock (requests)
        {
            Assert.DoesNotContain(requests, url => url.Contains(manageToken, StringComparison.Ordinal));
        }

        AssertCleanRun();
    }

    [Fact]
    public async Task The_status_page_deletes_by_keyboard_and_fits_a_360_pixel_screen()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "delete me from the status page", views: 3);
        var statusLink = await page.Locator("#status-link").InputValueAsync();

        var status = await NewPageAsync(width: 360, height: 740);
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#state-detail")).ToContainTextAsync("3 views left");
        Assert.True(await ScrollWidthAsync(status) <= 360, $"Status page scrollWidth {await ScrollWidthAsync(status)} > 360");

        await TabToAsync(status, "delete-now");
        await status.Keyboard.PressAsync("Enter");

        await Expect(status.Locator("#state")).ToHaveTextAsync("Deleted: the secret is gone");
        await Expect(status.Locator("#state")).ToBeFocusedAsync();
        await Expect(status.Locator("#event-list li").Last).ToContainTextAsync("Deleted by you");
        await Expect(status.Locator("#chain")).ToContainTextAsync("History verified: 2 recorded events, intact");
        await Expect(status.Locator("#status")).ToHaveTextAsync("The secret has been deleted. The link no longer works.");
        Assert.False(await fixture.Backend.IsStoredAsync(created.Link.Id));
        Assert.True(await ScrollWidthAsync(status) <= 360, $"Status page scrollWidth {await ScrollWidthAsync(status)} > 360");
        await ScreenshotAsync(status, "status-360px");
        AssertCleanRun();
    }

    [Fact]
    public async Task A_status_link_with_a_wrong_token_shows_nothing()
    {
        ExpectFailedApiCalls(404);
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "not yours");

        var status = await NewPageAsync();
        await status.GotoAsync($"/m/{created.Link.Id}#{created.Link.KeyText}");

        await Expect(status.Locator("#error")).ToContainTextAsync("Nothing is known about this secret");
        await Expect(status.Locator("#summary")).ToBeHiddenAsync();
        await Expect(status.Locator("#history")).ToBeHiddenAsync();
        AssertCleanRun();
    }
}
