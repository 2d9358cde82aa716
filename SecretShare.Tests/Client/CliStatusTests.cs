using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretShare.Cli;
using SecretShare.Client;
using SecretShare.Storage.Audit;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Client;

/// <summary>
/// <c>secretshare status</c>: the sender's receipt through the private status link that <c>send</c> prints, checked on
/// this device (signature, chain, what this device saw before, kept in the XDG state folder), and <c>--verify FILE</c>
/// offline.
/// </summary>
public abstract partial class CliTests<TFixture>
{
    [Fact]
    public async Task Status_follows_a_sent_secret_and_exits_6_when_its_history_was_changed()
    {
        var (link, id, statusLink) = await SendAsync(views: 2);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);

        var status = await Cli.RunAsync(["status", statusLink]);

        Assert.Equal(ExitCodes.Ok, status.ExitCode);
        Assert.StartsWith("Status: active. 1 view left, until", status.Stdout);
        Assert.Contains("created with 2 views", status.Stdout);
        Assert.Contains("viewed; 1 view left", status.Stdout);
        Assert.Contains("The server reports: history intact, 2 events.", status.Stdout);
        Assert.Contains($"Verified on this device: signed by key {TestAuditKeys.KeyId} (thumbprint ", status.Stdout);

        // A link sent before the status page was renamed (/m/{id}) is still read.
        var former = await Cli.RunAsync(["status", statusLink.Replace($"/status/{id}#", $"/m/{id}#", StringComparison.Ordinal)]);
        Assert.Equal((ExitCodes.Ok, status.Stdout), (former.ExitCode, former.Stdout));

        var json = await Cli.RunAsync(["status", statusLink, "--json"]);
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        using var receipt = JsonDocument.Parse(json.Stdout);
        Assert.Equal("active", receipt.RootElement.GetProperty("status").GetString());
        Assert.Equal(["created", "viewed"], receipt.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        Assert.True(receipt.RootElement.GetProperty("chain").GetProperty("verified").GetBoolean());
        Assert.Equal("ES256", receipt.RootElement.GetProperty("signature").GetProperty("alg").GetString());

        await Fixture.SetEventTypeAsync(id, 2, "extended");
        var broken = await Cli.RunAsync(["status", statusLink]);
        Assert.Equal(ExitCodes.Tampered, broken.ExitCode);
        Assert.Contains("The server reports: history BROKEN: Event 2", broken.Stdout);
        Assert.Contains("WARNING: the server reports the history broken", broken.Stderr);

        var wrongToken = await Cli.RunAsync(["status", $"{Server}/status/{id}#{ApiCalls.NewToken()}"]);
        Assert.Equal((ExitCodes.Gone, ""), (wrongToken.ExitCode, wrongToken.Stdout));
        Assert.Contains("Nothing is known about this secret", wrongToken.Stderr);

        var shareLinkGiven = await Cli.RunAsync(["status", link]);
        Assert.Equal(ExitCodes.Usage, shareLinkGiven.ExitCode);
        Assert.Contains("/status/{id}", shareLinkGiven.Stderr);
    }

    [Fact]
    public async Task Status_remembers_what_this_device_saw_and_exits_6_when_a_later_receipt_ends_earlier()
    {
        using var state = new TempFolder();
        var environment = new Dictionary<string, string> { ["XDG_STATE_HOME"] = state.Path };
        var (link, id, statusLink) = await SendAsync(views: 3);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        var dumpAtSeq2 = await Fixture.SnapshotTrailAsync(id);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);

        var first = await Cli.RunAsync(["status", statusLink], environment: environment);
        var second = await Cli.RunAsync(["status", statusLink], environment: environment);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (first.ExitCode, second.ExitCode));
        Assert.Contains("First check of this secret on this device.", first.Stdout);
        Assert.Contains("It extends what this device saw before (event 3).", second.Stdout);
        var file = Path.Combine(state.Path, "secretshare", "receipts.json");
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.DoesNotContain(statusLink[(statusLink.IndexOf('#', StringComparison.Ordinal) + 1)..], await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));

        // A database restored from a dump taken at event 2: a valid trail, and the server verifies it.
        await Fixture.RestoreTrailAsync(id, dumpAtSeq2);
        var rewound = await Cli.RunAsync(["status", statusLink], environment: environment);
        var again = await Cli.RunAsync(["status", statusLink], environment: environment);

        Assert.Contains("The server reports: history intact, 2 events.", rewound.Stdout);
        Assert.Equal(ExitCodes.Tampered, rewound.ExitCode);
        Assert.Contains("WARNING: this device saw 3 events, but the history now has only 2: it was cut back.", rewound.Stderr);
        Assert.Equal(ExitCodes.Tampered, again.ExitCode);
    }

    public static TheoryData<string> Tamperings => DatabaseWriter.Tamperings;

    [Theory]
    [MemberData(nameof(Tamperings))]
    public async Task Status_exits_6_when_a_database_writer_without_the_key_rewrote_the_history(string tampering)
    {
        using var state = new TempFolder();
        var environment = new Dictionary<string, string> { ["XDG_STATE_HOME"] = state.Path };
        var (link, id, statusLink) = await SendAsync(views: 3);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["status", statusLink], environment: environment)).ExitCode);

        await Fixture.RewriteTrailAsync(id, DatabaseWriter.Rewrite(tampering));
        var status = await Cli.RunAsync(["status", statusLink], environment: environment);

        Assert.Equal(ExitCodes.Tampered, status.ExitCode);
        Assert.Contains("The server reports: history BROKEN", status.Stdout);
        Assert.StartsWith("WARNING: ", status.Stderr);
    }

    [Fact]
    public async Task Status_exits_6_when_the_server_answers_verified_over_a_broken_history()
    {
        var (link, _, statusLink) = await SendAsync(views: 3);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        using var lyingServer = new LyingServer(receipt =>
        {
            // The second event is dropped, and the server, which holds the key, signs the result as verified.
            receipt["events"]!.AsArray().RemoveAt(1);
            receipt["chain"]!["length"] = 2;
        });

        var status = await Cli.RunAsync(["status", statusLink], handler: lyingServer);

        Assert.Equal(1, lyingServer.Lies);
        Assert.Contains("The server reports: history intact, 2 events.", status.Stdout);
        Assert.Equal(ExitCodes.Tampered, status.ExitCode);
        Assert.Contains("WARNING: event 2 is missing (found event 3 in its place).", status.Stderr);
    }

    [Fact]
    public async Task A_saved_receipt_verifies_offline_and_not_after_any_one_byte_changed()
    {
        var (link, id, statusLink) = await SendAsync(views: 2);
        Assert.Equal(ExitCodes.Ok, (await Cli.RunAsync(["get", link])).ExitCode);
        using var folder = new TempFolder();
        var file = folder.Write("receipt.json", await SavedReceiptAsync(id, StatusLink.Parse(statusLink).ManageToken));

        var verified = await Cli.RunAsync(["status", "--verify", file]);

        Assert.Equal(ExitCodes.Ok, verified.ExitCode);
        Assert.Contains($"Verified offline: signed by key {TestAuditKeys.KeyId}", verified.Stdout);
        Assert.Contains("viewed; 1 view left", verified.Stdout);

        var original = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        var accepted = new List<string>();
        for (var i = 0; i < original.Length; i++)
        {
            foreach (var flip in new byte[] { 0x01, 0x20 })
            {
                var changed = original.ToArray();
                changed[i] ^= flip;
                await File.WriteAllBytesAsync(file, changed, TestContext.Current.CancellationToken);
                if ((await Cli.RunAsync(["status", "--verify", file])).ExitCode != ExitCodes.Tampered)
                {
                    accepted.Add($"byte {i} ^ 0x{flip:x2}: …{Encoding.UTF8.GetString(changed, Math.Max(0, i - 20), Math.Min(40, changed.Length - Math.Max(0, i - 20)))}…");
                }
            }
        }

        Assert.Empty(accepted);
    }

    private async Task<(string Link, string Id, string StatusLink)> SendAsync(int views)
    {
        var send = await Cli.RunAsync(["send", "--server", Server, "--json", "--views", views.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdin: "watch this");
        Assert.Equal(ExitCodes.Ok, send.ExitCode);
        using var sent = JsonDocument.Parse(send.Stdout);
        var id = sent.RootElement.GetProperty("id").GetString()!;
        var statusLink = sent.RootElement.GetProperty("statusLink").GetString()!;
        Assert.Equal($"{Server}/status/{id}#{sent.RootElement.GetProperty("manageToken").GetString()}", statusLink);
        return (sent.RootElement.GetProperty("link").GetString()!, id, statusLink);
    }

    /// <summary>The file the status page's "Download receipt" saves (receipt.js, receiptFile): the documented properties, compact.</summary>
    private async Task<byte[]> SavedReceiptAsync(string id, string manageToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/secrets/{id}/status");
        request.Headers.Authorization = new("Bearer", manageToken);
        using var response = await Fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        var keys = JsonNode.Parse(await Fixture.Client.GetStringAsync("api/receipt-keys", TestContext.Current.CancellationToken))!["keys"]!.AsArray();
        var key = keys.Single(k => (string?)k!["kid"] == (string?)receipt["signature"]!["keyId"])!;
        var file = new JsonObject
        {
            ["format"] = ReceiptFormat.Version,
            ["receipt"] = Pick(receipt, "id", "status", "expiresAt", "viewsRemaining", "events", "chain", "issuedAt", "signature"),
            ["key"] = Pick(key, "kty", "crv", "kid", "x", "y", "alg", "use"),
        };
        file["receipt"]!["events"] = new JsonArray([.. receipt["events"]!.AsArray().Select(e =>
            Pick(e!, "seq", "type", "occurredAt", "viewsRemaining", "detail", "keyId", "prevHash", "hash"))]);
        file["receipt"]!["chain"] = Pick(receipt["chain"]!, "verified", "length", "headHash", "problem");
        file["receipt"]!["signature"] = Pick(receipt["signature"]!, "alg", "keyId", "value");
        // As JSON.stringify writes it: nothing escaped that need not be.
        return Encoding.UTF8.GetBytes(file.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

        static JsonObject Pick(JsonNode node, params string[] names) => new(names.Select(name => KeyValuePair.Create(name, node[name]?.DeepClone())));
    }

    /// <summary>
    /// The real server behind a liar that holds the signing key: it rewrites each receipt, says the trail verified and
    /// signs the result, so that only the client's own checks can tell.
    /// </summary>
    private sealed class LyingServer(Action<JsonObject> lie) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly AuditKey signer = new(TestAuditKeys.KeyId, Convert.FromBase64String(TestAuditKeys.Key));

        public int Lies { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.EndsWith("/status", StringComparison.Ordinal) || !response.IsSuccessStatusCode)
            {
                return response;
            }

            var receipt = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            lie(receipt);
            receipt["chain"]!["verified"] = true;
            receipt["chain"]!["problem"] = null;
            var parsed = receipt.Deserialize<SecretStatus>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            receipt["signature"]!["value"] = Base64UrlStrict.Encode(signer.Sign(ReceiptFormat.CanonicalBytes(parsed)));
            Lies++;
            response.Content = new StringContent(receipt.ToJsonString(), Encoding.UTF8, "application/json");
            return response;
        }

        protected override void Dispose(bool disposing)
        {
            signer.Dispose();
            base.Dispose(disposing);
        }
    }
}
