using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>Protocol v1 against the SPEC test vectors, plus links and base64url.</summary>
[Trait("Tier", "Unit")]
public sealed class ProtocolTests
{
    private const string VectorText = "correct horse battery staple";
    private const string VectorPassphrase = "tr\u00f6ll fjord ski";

    private static readonly byte[] VectorKey = [.. Enumerable.Range(0x00, 32).Select(i => (byte)i)];
    private static readonly byte[] VectorIv = [.. Enumerable.Range(0xa0, 12).Select(i => (byte)i)];
    private static readonly byte[] VectorPlaintext = Encoding.UTF8.GetBytes("{\"text\":\"correct horse battery staple\"}");

    public static TheoryData<string?, string, string, string> Vectors => new()
    {
        {
            null,
            "-F1PrEwkOk4x4XcptvnWDi78i_fR2e6yB6JqqETELeU",
            "4B5PwXyuXDdk3mS7cGGjLnG_amYRU9xhLLbc4ikr-Qg",
            "AaChoqOkpaanqKmqq8V3CVpmu_ZoAwfQnVIixgHzZEjK2zQv5Pjv4GfBUYP7V-cQyG-WdCFx05zFWvkCVI8QP0Y10aw"
        },
        {
            VectorPassphrase,
            "YAz09LEJaiaKUkvT67Si_WgP5ocKBDLBvPsw3iYUiUc",
            "GXZVRP-J6nWpwkTqZypMEMTbzOZBd1oMCtyHhqoUQqE",
            "AaChoqOkpaanqKmqqwepHTNpaoa6rYILX356yd33Gy3Tz1QrUAtsDdDH6DPa-9rt2D3oKeWD8Ws3jfh0EqE65qAytUE"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Derives_the_spec_keys(string? passphrase, string ek, string at, string payload)
    {
        _ = payload;
        var keys = SecretProtocol.DeriveKeys(VectorKey, passphrase);

        Assert.Equal(ek, Base64UrlStrict.Encode(keys.EncryptionKey));
        Assert.Equal(at, keys.AccessTokenText);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Encrypts_to_the_spec_payload(string? passphrase, string ek, string at, string payload)
    {
        _ = passphrase;
        _ = at;
        Assert.Equal(payload, Base64UrlStrict.Encode(SecretProtocol.EncryptPayload(Base64UrlStrict.Decode(ek), VectorPlaintext, VectorIv)));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Seals_the_envelope_to_the_spec_payload_and_opens_it(string? passphrase, string ek, string at, string payload)
    {
        _ = ek;
        var sealedSecret = SecretProtocol.Seal(new SecretEnvelope(VectorText), passphrase, VectorKey, VectorIv);

        Assert.Equal(payload, sealedSecret.CiphertextText);
        Assert.Equal(at, sealedSecret.AccessTokenText);
        Assert.Equal(VectorKey, sealedSecret.LinkKey);
        Assert.Equal(VectorText, SecretProtocol.Open(Base64UrlStrict.Decode(payload), VectorKey, passphrase).Text);
    }

    [Fact]
    public void Nfc_equivalent_passphrases_derive_the_same_keys()
    {
        var composed = SecretProtocol.DeriveKeys(VectorKey, VectorPassphrase);
        var decomposed = SecretProtocol.DeriveKeys(VectorKey, "tro\u0308ll fjord ski");

        Assert.Equal(composed.EncryptionKey, decomposed.EncryptionKey);
        Assert.Equal(composed.AccessToken, decomposed.AccessToken);
        Assert.Equal("GXZVRP-J6nWpwkTqZypMEMTbzOZBd1oMCtyHhqoUQqE", decomposed.AccessTokenText);
    }

    [Fact]
    public void Empty_passphrase_means_no_passphrase()
    {
        Assert.Equal(SecretProtocol.DeriveKeys(VectorKey, null).AccessToken, SecretProtocol.DeriveKeys(VectorKey, "").AccessToken);
    }

    [Fact]
    public void Round_trips_with_random_key_and_iv()
    {
        var text = "p\u00e4ssw\u00f6rd \U0001F511 <script>\"quoted\"</script>\n\ttab";
        var first = SecretProtocol.Seal(new SecretEnvelope(text), "a passphrase");
        var second = SecretProtocol.Seal(new SecretEnvelope(text), "a passphrase");

        Assert.NotEqual(first.LinkKey, second.LinkKey);
        Assert.NotEqual(first.Payload.AsSpan(1, 12).ToArray(), second.Payload.AsSpan(1, 12).ToArray());
        Assert.Equal(1 + 12 + 16, first.Payload.Length - SecretProtocol.EncodeEnvelope(new SecretEnvelope(text)).Length);
        Assert.Equal(text, SecretProtocol.Open(first.Payload, first.LinkKey, "a passphrase").Text);
    }

    [Fact]
    public void Wrong_passphrase_throws_a_decryption_exception()
    {
        var sealedSecret = SecretProtocol.Seal(new SecretEnvelope("x"), "right");

        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(sealedSecret.Payload, sealedSecret.LinkKey, "wrong"));
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(sealedSecret.Payload, sealedSecret.LinkKey, null));
    }

    [Fact]
    public void Tampered_truncated_or_unknown_version_payloads_throw()
    {
        var sealedSecret = SecretProtocol.Seal(new SecretEnvelope("x"), null);
        var keys = SecretProtocol.DeriveKeys(sealedSecret.LinkKey, null);

        var flipped = sealedSecret.Payload.ToArray();
        flipped[^1] ^= 1;
        var version2 = sealedSecret.Payload.ToArray();
        version2[0] = 2;

        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(flipped, keys));
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(version2, keys));
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(sealedSecret.Payload.AsSpan(0, 28), keys));
    }

    [Fact]
    public void Envelope_ignores_unknown_fields_reads_files_and_defaults_missing_text()
    {
        var read = SecretProtocol.DecodeEnvelope(
            "{\"text\":\"t\",\"files\":[{\"name\":\"a.bin\",\"type\":\"image/png\",\"data\":\"AP8\",\"future\":true}],\"future\":1}"u8);
        Assert.Equal("t", read.Text);
        var file = Assert.Single(read.Files!);
        Assert.Equal(("a.bin", "image/png"), (file.Name, file.Type));
        Assert.Equal([0x00, 0xff], file.Data);

        Assert.Equal("", SecretProtocol.DecodeEnvelope("{\"files\":[]}"u8).Text);
        Assert.Null(SecretProtocol.DecodeEnvelope("{\"text\":\"no files\"}"u8).Files);
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.DecodeEnvelope("[1]"u8));
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.DecodeEnvelope("not json"u8));
    }

    [Theory]
    [InlineData("{\"text\":\"\",\"files\":[{\"name\":\"a\"}]}")]
    [InlineData("{\"text\":\"\",\"files\":[{\"data\":\"AA\"}]}")]
    [InlineData("{\"text\":\"\",\"files\":[{\"name\":\"a\",\"data\":\"AA==\"}]}")]
    [InlineData("{\"text\":\"\",\"files\":[{\"name\":\"a\",\"data\":\"A+/A\"}]}")]
    [InlineData("{\"text\":\"\",\"files\":[null]}")]
    [InlineData("{\"text\":\"\",\"files\":{}}")]
    public void Envelope_files_without_a_name_or_with_data_that_is_not_base64url_are_invalid(string json)
    {
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.DecodeEnvelope(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void Envelope_with_files_is_compact_json_with_base64url_data_and_round_trips_through_a_payload()
    {
        var data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var envelope = new SecretEnvelope("note", [new SecretFile("all bytes.bin", "application/x-test", data), new SecretFile("empty", null, [])]);

        var json = Encoding.UTF8.GetString(SecretProtocol.EncodeEnvelope(envelope));
        Assert.Equal(
            $"{{\"text\":\"note\",\"files\":[{{\"name\":\"all bytes.bin\",\"type\":\"application/x-test\",\"data\":\"{Base64UrlStrict.Encode(data)}\"}},"
            + "{\"name\":\"empty\",\"data\":\"\"}]}",
            json);

        var sealedSecret = SecretProtocol.Seal(envelope, "pw");
        Assert.Equal(SecretProtocol.PayloadSize(envelope), sealedSecret.Payload.Length);
        var opened = SecretProtocol.Open(sealedSecret.Payload, sealedSecret.LinkKey, "pw");
        Assert.Equal("note", opened.Text);
        Assert.Equal(2, opened.Files!.Count);
        Assert.Equal(("all bytes.bin", "application/x-test"), (opened.Files[0].Name, opened.Files[0].Type));
        Assert.Equal(data, opened.Files[0].Data);
        Assert.Equal(("empty", (string?)null), (opened.Files[1].Name, opened.Files[1].Type));
        Assert.Empty(opened.Files[1].Data);
    }

    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../x", "x")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("..\\..\\Windows\\win.ini", "win.ini")]
    [InlineData("..", "file")]
    [InlineData("", "file")]
    [InlineData("  .hidden ", "hidden")]
    [InlineData("a\u0000b\u001fc\u007f<>:\"|?*.txt", "abc.txt")]
    [InlineData("trailing. . ", "trailing")]
    [InlineData("caf\u00e9 \ud83d\udd11.txt", "caf\u00e9 \ud83d\udd11.txt")]
    [InlineData("NUL.txt", "_NUL.txt")]
    [InlineData("con", "_con")]
    [InlineData("Com1 .tar.gz", "_Com1 .tar.gz")]
    [InlineData("LPT\u00b9", "_LPT\u00b9")]
    [InlineData("CONIN$", "_CONIN$")]
    [InlineData("COM10.txt", "COM10.txt")]
    [InlineData("console.log", "console.log")]
    [InlineData("invoice\u202efdp.exe", "invoicefdp.exe")]
    [InlineData("a\u200b\u200d\u2066b\ufeff\u00ad\u061c.txt", "ab.txt")]
    [InlineData("a\u2028b\u2029c\u0085", "abc")]
    [InlineData("\u202e.bashrc", "bashrc")]
    public void Safe_file_names_are_one_plain_name(string name, string expected)
    {
        Assert.Equal(expected, SecretFile.SafeFileName(name));
    }

    [Fact]
    public void Long_file_names_are_cut_keeping_the_extension()
    {
        var safe = SecretFile.SafeFileName(new string('a', 300) + ".tar.gz");
        Assert.Equal(200, safe.Length);
        Assert.EndsWith("aaa.gz", safe);
    }

    [Fact]
    public void Unpaired_surrogates_are_dropped_from_file_names()
    {
        // Not an InlineData: attribute strings are stored as UTF-8, which turns an unpaired surrogate into U+FFFD.
        Assert.Equal("xy.txt", SecretFile.SafeFileName(string.Concat("x", "\ud800", "y", "\udc00", ".txt")));
    }

    /// <summary>The same cases as the web client's (files.test.mjs): within 200 bytes of UTF-8, cut between text elements.</summary>
    [Theory]
    [InlineData("surrogate pairs")]
    [InlineData("combining marks")]
    [InlineData("flags")]
    [InlineData("CJK")]
    public void Long_file_names_are_cut_by_text_element(string what)
    {
        var (name, expected) = what switch
        {
            "surrogate pairs" => (new string('a', 195) + string.Concat(Enumerable.Repeat("\ud83d\udd11", 3)) + ".txt", new string('a', 195) + ".txt"),
            "combining marks" => (string.Concat(Enumerable.Repeat("e\u0301", 100)) + ".txt", string.Concat(Enumerable.Repeat("e\u0301", 65)) + ".txt"),
            "flags" => (string.Concat(Enumerable.Repeat("\ud83c\udde9\ud83c\uddea", 30)), string.Concat(Enumerable.Repeat("\ud83c\udde9\ud83c\uddea", 25))),
            _ => (new string('\u6587', 100), new string('\u6587', 66)),
        };

        var safe = SecretFile.SafeFileName(name);

        Assert.Equal(expected, safe);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(safe), 1, 200);
    }

    [Fact]
    public void Link_formats_and_parses()
    {
        var id = Base64UrlStrict.Encode(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        var link = ShareLink.Create(new Uri("https://example.com"), id, VectorKey);
        var text = link.ToString();

        Assert.Equal($"https://example.com/s/{id}#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", text);
        var parsed = ShareLink.Parse(text);
        Assert.Equal(link, parsed);
        Assert.Equal(new Uri("https://example.com/"), parsed.BaseUrl);
        Assert.Equal(id, parsed.Id);
        Assert.Equal(VectorKey, parsed.Key);
    }

    [Theory]
    [InlineData("https://example.com/app/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "https://example.com/app/")]
    [InlineData("https://example.com/a/b/s/AQIDBAUGBwgJCgsMDQ4PEA/#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "https://example.com/a/b/")]
    [InlineData("  http://127.0.0.1:5080/s/AQIDBAUGBwgJCgsMDQ4PEA?utm=x#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "http://127.0.0.1:5080/")]
    public void Link_parse_keeps_the_path_prefix(string text, string expectedBase)
    {
        var link = ShareLink.Parse(text);

        Assert.Equal(expectedBase, link.BaseUrl.AbsoluteUri);
        Assert.Equal("AQIDBAUGBwgJCgsMDQ4PEA", link.Id);
        Assert.Equal(VectorKey, link.Key);
        Assert.Equal(link, ShareLink.Parse(link.ToString()));
        Assert.Equal($"{expectedBase}s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", link.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a link")]
    [InlineData("ftp://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#")]
    [InlineData("https://example.com/x/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PE#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEB#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8AAAA")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    [InlineData("https://example.com/s/AQIDBAUGBwgJCgsMDQ4PEA#AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+")]
    public void Link_parse_rejects_invalid_links(string text)
    {
        Assert.False(ShareLink.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ShareLink.Parse(text));
    }

    [Fact]
    public void Link_create_validates_its_parts()
    {
        Assert.Throws<ArgumentException>(() => ShareLink.Create(new Uri("https://e.com"), "short", VectorKey));
        Assert.Throws<ArgumentException>(() => ShareLink.Create(new Uri("https://e.com"), "AQIDBAUGBwgJCgsMDQ4PEA", new byte[31]));
        Assert.Throws<ArgumentException>(() => ShareLink.Create(new Uri("file:///tmp"), "AQIDBAUGBwgJCgsMDQ4PEA", VectorKey));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("AA", 1)]
    [InlineData("AAE", 2)]
    [InlineData("-_-_", 3)]
    public void Base64url_decodes_canonical_unpadded_text(string text, int length)
    {
        Assert.Equal(length, Base64UrlStrict.Decode(text).Length);
        Assert.Equal(text, Base64UrlStrict.Encode(Base64UrlStrict.Decode(text)));
    }

    [Theory]
    [InlineData("AA==")]
    [InlineData("AA=")]
    [InlineData("+/+/")]
    [InlineData("AA AA")]
    [InlineData(" AAAA")]
    [InlineData("AAAA\n")]
    [InlineData("A")]
    [InlineData("AAAAA")]
    [InlineData("AB")]
    [InlineData("AAF")]
    [InlineData("\u00e4AAA")]
    public void Base64url_rejects_invalid_text(string text)
    {
        Assert.False(Base64UrlStrict.TryDecode(text, out _));
        Assert.Throws<FormatException>(() => Base64UrlStrict.Decode(text));
    }

    [Fact]
    public void Base64url_matches_the_framework_encoder()
    {
        var bytes = RandomNumberGenerator.GetBytes(100);
        Assert.Equal(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'), Base64UrlStrict.Encode(bytes));
    }
}
