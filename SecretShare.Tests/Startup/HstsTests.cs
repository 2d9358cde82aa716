using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Startup;

/// <summary>The real API served over HTTPS, as a deployment without a proxy does: browsers are told to stay on HTTPS.</summary>
[Trait("Backend", "Postgres")]
public sealed class HstsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Over_https_every_response_tells_the_browser_to_stay_on_https_and_over_http_none_does()
    {
        using var certificate = SelfSignedCertificate("secrets.example.test");
        var certificatePath = Path.Combine(Path.GetTempPath(), $"secretshare-test-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "pw"), TestContext.Current.CancellationToken);
        try
        {
            var url = await (await TestServers.Postgres).CreateDatabaseAsync("hsts");
            var (httpsPort, httpPort) = (ExternalProcess.FreePort(), ExternalProcess.FreePort());
            await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
            {
                [EnvironmentVariables.DatabaseUrl] = url,
                ["ASPNETCORE_URLS"] = $"https://127.0.0.1:{httpsPort};http://127.0.0.1:{httpPort}",
                ["ASPNETCORE_Kestrel__Certificates__Default__Path"] = certificatePath,
                ["ASPNETCORE_Kestrel__Certificates__Default__Password"] = "pw",
            });
            using var https = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString() },
            })
            { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}/") };
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
            await ExternalProcess.WaitUntilAsync(async () => (await https.GetAsync("health")).IsSuccessStatusCode, Timeout, "the API");

            foreach (var path in new[] { "/", "/s/AAAAAAAAAAAAAAAAAAAAAA", "/api/secrets/AAAAAAAAAAAAAAAAAAAAAA", "/api/limits" })
            {
                Assert.Equal("max-age=31536000", await StrictTransportSecurityAsync(https, path));

                // Over plain http the header means nothing to a browser and is not sent.
                Assert.Null(await StrictTransportSecurityAsync(http, path));
            }
        }
        finally
        {
            File.Delete(certificatePath);
        }
    }

    /// <summary>The header as a browser that opened the site by its name sees it (localhost names are exempt from HSTS).</summary>
    private static async Task<string?> StrictTransportSecurityAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "secrets.example.test";
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return response.Headers.TryGetValues("Strict-Transport-Security", out var values) ? string.Join(",", values) : null;
    }

    private static X509Certificate2 SelfSignedCertificate(string host)
    {
        using var key = ECDsa.Create();
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(host);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}
