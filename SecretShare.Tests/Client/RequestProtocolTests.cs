using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>The request protocol against the test vectors of docs/spec.md section 8 (the JS tests use the same).</summary>
[Trait("Tier", "Unit")]
public sealed class RequestProtocolTests
{
    // Requester d = 0x01..0x20, sender's ephemeral e = 0x21..0x40, id = bytes 0x00..0x0f, IV = 0xa0..0xab.
    private const string Id = "AAECAwQFBgcICQoLDA0ODw";
    private const string RequesterPrivate = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyBRXD1uueOWuQTT_sp_VP3NDMHpl783XcpRWtCmw7QDX0U2vjpQ8xj7-aVHWQKiIVAr7w1X4IxTsswKVvF9n5NU";
    private const string RequesterPublic = "BFFcPW6545a5BNP-yn9U_c0MwemXvzddylFa0KbDtANfRTa-OlDzGPv5pUdZAqIhUCvvDVfgjFOyzApW8X2fk1Q";
    private const string Fingerprint = "QmmIlDHjExlm_K9qRXFBlD7Sw1tbkXrmLLM5VG9SNVE";
    private const string EphemeralPrivate = "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0-P0AfFAFGv7GyUfhPTdvg1M3P13r9mEqVIONXlAIfgxK7nuyZWgix-ncE3z3MC1CpZlJj-3cR-V-fikScUJbkfIkr";
    private const string EphemeralPublic = "BB8UAUa_sbJR-E9N2-DUzc_Xev2YSpUg41eUAh-DErue7JlaCLH6dwTfPcwLUKlmUmP7dxH5X5-KRJxQluR8iSs";
    private const string EncryptionKey = "Uv2TIPqwYBn58Bs7intx8TEEWx1kBTpVqHVYT7mBo5M";
    private const string AccessToken = "PCHX90CPO9S6dBDcozmRCyezGP_fC7Zm36JkX1LD58I";
    private const string Payload = "AaChoqOkpaanqKmqq30GJj9v4H9c_ciUy0iW5wfYoR0YHCWpyQcCLKNoi6fGOVLIONthBWEUHAJZAsFGO7_bmehvbzU";

    private static readonly byte[] Iv = [.. Enumerable.Range(0xa0, 12).Select(i => (byte)i)];

    private static byte[] B(string text) => Base64UrlStrict.Decode(text);

    [Fact]
    public void The_sender_reproduces_the_vector()
    {
        Assert.Equal(RequesterPublic, Base64UrlStrict.Encode(RequestProtocol.PublicKeyOf(B(RequesterPrivate))));
        Assert.Equal(Fingerprint, RequestProtocol.Fingerprint(B(RequesterPublic)));

        var answer = RequestProtocol.Seal(Id, B(RequesterPublic), Fingerprint, new SecretEnvelope("correct horse battery staple"), B(EphemeralPrivate), Iv);

        Assert.Equal(EphemeralPublic, answer.EphemeralKeyText);
        Assert.Equal(AccessToken, answer.AccessTokenText);
        Assert.Equal(Payload, answer.CiphertextText);
    }

    [Fact]
    public void The_requester_derives_the_same_keys_and_opens_the_vector()
    {
        var keys = RequestProtocol.AnswerKeys(Id, B(RequesterPrivate), B(EphemeralPublic));

        Assert.Equal(EncryptionKey, Base64UrlStrict.Encode(keys.EncryptionKey));
        Assert.Equal(AccessToken, keys.AccessTokenText);
        Assert.Equal("correct horse battery staple", RequestProtocol.Open(Id, B(Payload), keys).Text);
    }

    [Fact]
    public void A_public_key_that_does_not_match_the_fingerprint_is_refused_before_encrypting()
    {
        var swapped = RequestProtocol.PublicKeyOf(RequestProtocol.GenerateKeyPair());

        Assert.Throws<RequestKeyMismatchException>(() =>
            RequestProtocol.Seal(Id, swapped, Fingerprint, new SecretEnvelope("x")));
    }

    [Fact]
    public void An_answer_is_bound_to_its_request_and_to_its_protocol()
    {
        // Another request id: other keys, and the payload does not open under them.
        var other = RequestProtocol.AnswerKeys("AQECAwQFBgcICQoLDA0ODw", B(RequesterPrivate), B(EphemeralPublic));
        Assert.NotEqual(AccessToken, other.AccessTokenText);
        Assert.Throws<SecretDecryptionException>(() => RequestProtocol.Open(Id, B(Payload), other));

        // The secret protocol's decryption rejects it even with the right key: the associated data differs.
        var keys = RequestProtocol.AnswerKeys(Id, B(RequesterPrivate), B(EphemeralPublic));
        Assert.Throws<SecretDecryptionException>(() => SecretProtocol.Open(B(Payload), keys));
    }

    [Fact]
    public void Links_round_trip()
    {
        var privateKey = RequestProtocol.GenerateKeyPair();
        var inbox = new InboxLink(new Uri("https://example.test/app/"), Id, privateKey, AccessToken);
        var parsed = InboxLink.Parse(inbox.ToString());
        Assert.Equal((inbox.Id, inbox.ManageToken, inbox.BaseUrl), (parsed.Id, parsed.ManageToken, parsed.BaseUrl));
        Assert.Equal(privateKey, parsed.PrivateKey);

        var fillIn = FillInLink.Parse($"https://example.test/app/r/{Id}#{Fingerprint}");
        Assert.Equal((Id, Fingerprint), (fillIn.Id, fillIn.Fingerprint));

        Assert.Throws<FormatException>(() => InboxLink.Parse($"https://example.test/i/{Id}#{AccessToken}"));
        Assert.Throws<FormatException>(() => FillInLink.Parse($"https://example.test/r/{Id}"));
    }
}
