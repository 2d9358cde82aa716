using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Storage.Audit;
using SecretShare.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace SecretShare.Tests.E2E;

/// <summary>The creator's private status page (<c>/status/{id}#{manageToken}</c>, status.html and status.js) in a real browser.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task The_status_link_shows_the_view_and_the_burn_with_a_verified_history()
    {
        var page = await NewPageAsync();
        var created = await CreateInBrowserAsync(page, "watch me");
        var statusLink = await page.Locator("#status-link").InputValueAsync();
        Assert.StartsWith($"{fixture.Origin}/status/{created.Link.Id}#", statusLink);
        var manageToken = statusLink[(statusLink.IndexOf('#', StringComparison.Ordinal) + 1)..];

        var status = await NewPageAsync();
        await status.GotoAsync(statusLink);
        await Expect(status.Locator("#state")).ToHaveTextAsync("Active: not used up yet");
        await Expect(status.Locator("#state-detail")).ToContainTextAsync("1 view left");
        await Expect(status.Locator("#event-list li")).ToHaveTextAsync([new Regex("Created, with 1 view$")]);
        await Expect(status.Locator("#chain")).ToHaveTextAsync("The server reports: history intact, 1 recorded event in order.");
        await Expect(status.Locator("#device-check")).ToContainTextAsync(
            $"Verified on this device: the receipt is signed by key {SecretShare.Tests.Infrastructure.TestAuditKeys.KeyId} (");
        await Expect(status.Locator("#device-check")).ToContainTextAsync("This device had not seen this secret before and now remembers it.");

        await RevealAsync(await NewPageAsync(), created.LinkText);
        await status.Locator("#refresh").ClickAsync();

        await Expect(status.Locator("#state")).ToHaveTextAsync("Burned: the secret is gone");
        await Expect(status.Locator("#event-list li")).ToHaveCountAsync(3);
        await Expect(status.Locator("#event-list li").Nth(1)).ToContainTextAsync("Viewed (0 views left)");
        await Expect(status.Locator("#event-list li").Nth(2)).ToContainTextAsync("Burned: the last view was taken");
        await Expect(status.Locator("#chain")).ToContainTextAsync("The server reports: history intact, 3 recorded events");
        await Expect(status.Locator("#device-check")).ToContainTextAsync("It extends what this device saw before (event 1).");
        await Expect(status.Locator("#delete-now")).ToBeHiddenAsync();
        lock (requests)
        {
            Assert.DoesNotContain(requests, url => url.Contains(manageToken, StringComparison.Ordinal));
        }

        AssertCleanRun();
    }

    [Fact]
    public async Task A_status_link_sent_before_the_rename_opens_the_status_page_with_its_token()
    {
        var secret = await fixture.Client.CreateAsync();

        var status = await NewPageAsync();
        await status.GotoAsync($"/m/{secret.Id}#{secret.ManageToken}");

        // The redirect kept the fragment: the page read the token, then took it out of the address bar.
        await Expect(status.Locator("#event-list li")).ToHaveTextAsync([new Regex("Created, with 1 view$")]);
        Assert.Equal($"{fixture.Origin}/status/{secret.Id}", status.Url);
        lock (requests)
        {
            Assert.DoesNotContain(requests, url => url.Contains(secret.ManageToken, StringComparison.Ordinal));
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
        await Expect(status.Locator("#chain")).ToContainTextAsync("The server reports: history intact, 2 recorded events");
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
        await status.GotoAsync($"/status/{created.Link.Id}#{created.Link.KeyText}");

        await Expect(status.Locator("#error")).ToContainTextAsync("Nothing is known about this secret");
        await Expect(status.Locator("#summary")).ToBeHiddenAsync();
        await Expect(status.Locator("#history")).ToBeHiddenAsync();
        AssertCleanRun();
    }

    [Theory]
    [InlineData("removed")]
    [InlineData("cut")]
    public async Task The_status_page_warns_in_red_when_a_database_writer_rewrote_the_history(string tampering)
    {
        var (secret, status) = await StatusPageAfterTwoViewsAsync();

        await fixture.Backend.RewriteTrailAsync(secret.Id, DatabaseWriter.Rewrite(tampering));
        await status.Locator("#refresh").ClickAsync();

        await Expect(status.Locator("#chain")).ToContainTextAsync("The server reports: history check failed.");
        await AssertWarningAsync(status, "Warning: the server reports the history broken:");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_status_page_warns_when_a_later_receipt_ends_before_what_this_device_saw()
    {
        var secret = await fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var dumpAtSeq2 = await fixture.Backend.SnapshotTrailAsync(secret.Id);
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var status = await NewPageAsync();
        await status.GotoAsync($"/status/{secret.Id}#{secret.ManageToken}");
        await Expect(status.Locator("#device-check")).ToContainTextAsync("Verified on this device");

        await fixture.Backend.RestoreTrailAsync(secret.Id, dumpAtSeq2);
        // A new page, as on another day: the memory is the browser's, not the page's.
        var later = await NewPageAsync();
        await later.GotoAsync($"/status/{secret.Id}#{secret.ManageToken}");

        await Expect(later.Locator("#chain")).ToHaveTextAsync("The server reports: history intact, 2 recorded events in order.");
        await AssertWarningAsync(later, "Warning: this device saw 3 events, but the history now has only 2: it was cut back.");
        AssertCleanRun();
    }

    [Fact]
    public async Task The_status_page_warns_when_the_server_answers_verified_over_a_broken_history()
    {
        var secret = await fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var status = await NewPageAsync();
        using var signer = new AuditKey(TestAuditKeys.KeyId, Convert.FromBase64String(TestAuditKeys.Key));
        // A server that holds the signing key drops the first view, says the rest verified and signs it.
        await status.RouteAsync("**/api/secrets/*/status", async route =>
        {
            var response = await route.FetchAsync();
            var receipt = JsonNode.Parse(await response.TextAsync())!.AsObject();
            receipt["events"]!.AsArray().RemoveAt(1);
            receipt["chain"]!["length"] = 2;
            var parsed = receipt.Deserialize<SecretStatus>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            receipt["signature"]!["value"] = Base64UrlStrict.Encode(signer.Sign(ReceiptFormat.CanonicalBytes(parsed)));
            await route.FulfillAsync(new() { Response = response, Body = receipt.ToJsonString() });
        });

        await status.GotoAsync($"/status/{secret.Id}#{secret.ManageToken}");

        await Expect(status.Locator("#chain")).ToHaveTextAsync("The server reports: history intact, 2 recorded events in order.");
        await AssertWarningAsync(status, "Warning: event 2 is missing.");
        AssertCleanRun();
    }

    [Fact]
    public async Task Download_receipt_saves_a_file_that_the_CLI_verifies_offline()
    {
        var (_, status) = await StatusPageAfterTwoViewsAsync();

        var download = await status.RunAndWaitForDownloadAsync(() => status.Locator("#download-receipt").ClickAsync());
        using var folder = new SecretShare.Tests.Client.TempFolder();
        var file = Path.Combine(folder.Path, download.SuggestedFilename);
        await download.SaveAsAsync(file);

        Assert.Matches("^secretshare-receipt-[A-Za-z0-9_-]{8}[.]json$", download.SuggestedFilename);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await CliApp.RunAsync(["status", "--verify", file], new StringReader(""), stdout, stderr, cancellationToken: Ct);
        Assert.True(exitCode == ExitCodes.Ok, stdout + "\n" + stderr);
        Assert.Contains($"Verified offline: signed by key {TestAuditKeys.KeyId}", stdout.ToString());
        AssertCleanRun();
    }

    /// <summary>A secret with three views of which two were taken, and its status page, checked once on this device.</summary>
    private async Task<(CreatedSecret Secret, IPage Status)> StatusPageAfterTwoViewsAsync()
    {
        var secret = await fixture.Client.CreateAsync(new() { ["maxViews"] = 3 });
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        await (await fixture.Client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        var status = await NewPageAsync();
        await status.GotoAsync($"/status/{secret.Id}#{secret.ManageToken}");
        await Expect(status.Locator("#device-check")).ToContainTextAsync("Verified on this device");
        await Expect(status.Locator("#device-check")).Not.ToHaveClassAsync(new Regex("tampered"));
        return (secret, status);
    }

    private static async Task AssertWarningAsync(IPage page, string text)
    {
        var warning = page.Locator("#device-check");
        await Expect(warning).ToContainTextAsync(text);
        await Expect(warning).ToBeVisibleAsync();
        await Expect(warning).ToHaveClassAsync(new Regex("tampered"));
        // Red: the theme's error border, not the page's ordinary text.
        Assert.NotEqual("none", await warning.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftStyle"));
        await AssertAccessibleAsync(page, "status, warning");
        await AssertAccessibleInDarkAsync(page, "status, warning");
    }
}
