using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using SecretShare.Api.Infrastructure;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Reliability;

/// <summary>
/// SPEC section 2: every response, whatever the endpoint and status, carries no-store and the security headers, and
/// every 4xx is problem+json. (503 is checked by the outage tests, 429 also by the brute-force tests.)
/// </summary>
[Trait("Backend", "Postgres")]
public sealed class SecurityHeadersTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_endpoint_and_status_carries_no_store_and_the_security_headers()
    {
        var client = fixture.Client;
        var seen = new List<(string What, int Status)>();

        async Task<HttpResponseMessage> Check(string what, HttpStatusCode expected, Func<Task<HttpResponseMessage>> send)
        {
            var response = await send();
            Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode}");
            ReliabilitySupport.AssertSecurityHeaders(response, what);
            if ((int)response.StatusCode >= 400 && what[..4] != "HEAD")
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {(int)response.StatusCode} is not problem+json");
            }

            seen.Add((what, (int)response.StatusCode));
            return response;
        }

        var secret = await client.CreateAsync(new() { ["maxViews"] = 2 });
        using var index = await Check("GET /", HttpStatusCode.OK, () => client.GetAsync("/"));
        await Check("HEAD /", HttpStatusCode.OK, () => client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/")));
        // The pages are rendered per language; a static file answers the conditional request.
        using var stylesheet = await Check("GET /css/site.css", HttpStatusCode.OK, () => client.GetAsync("/css/site.css"));
        if (stylesheet.Headers.ETag is { } etag)
        {
            await Check("GET /css/site.css (If-None-Match)", HttpStatusCode.NotModified, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/css/site.css");
                request.Headers.IfNoneMatch.Add(etag);
                return client.SendAsync(request);
            });
        }

        foreach (var page in new[] { $"/s/{secret.Id}", "/request", $"/r/{secret.Id}", $"/i/{secret.Id}", "/css/site.css", "/js/api.js", "/favicon.svg", "/openapi/v1.json", "/health", "/alive" })
        {
            await Check("GET " + page, HttpStatusCode.OK, () => client.GetAsync(page));
        }

        await Check("POST /api/secrets", HttpStatusCode.Created, () =>
            client.PostAsJsonAsync("api/secrets", new { ciphertext = ApiCalls.NewCiphertext(), accessToken = ApiCalls.NewToken() }));
        await Check("POST /api/secrets (malformed)", HttpStatusCode.BadRequest, () => client.PostJsonAsync("api/secrets", "{\"ciphertext\":"));
        await Check("POST /api/secrets (text/plain)", HttpStatusCode.UnsupportedMediaType, () =>
            client.PostAsync("api/secrets", new StringContent("{}", Encoding.UTF8, "text/plain")));
        await Check("POST /api/secrets (400 KB)", HttpStatusCode.RequestEntityTooLarge, () =>
            client.PostJsonAsync("api/secrets", $$"""{"ciphertext":"{{new string('A', 400_000)}}"}"""));
        await Check("PUT /api/secrets", HttpStatusCode.MethodNotAllowed, () => client.PutAsync("api/secrets", new StringContent("{}", Encoding.UTF8, "application/json")));
        await Check("GET /api/secrets/{id}", HttpStatusCode.OK, () => client.GetAsync($"api/secrets/{secret.Id}"));
        await Check("GET /api/secrets/{unknown}", HttpStatusCode.NotFound, () => client.GetAsync($"api/secrets/{ApiCalls.NewId()}"));
        await Check("GET /no/such/page", HttpStatusCode.NotFound, () => client.GetAsync("no/such/page"));
        await Check("POST reveal (wrong token)", HttpStatusCode.Forbidden, () => client.RevealAsync(secret.Id, ApiCalls.NewToken()));
        await Check("POST extend (not extendable)", HttpStatusCode.Forbidden, () => client.ExtendAsync(secret.Id, secret.AccessToken, addSeconds: 60));
        await Check("POST reveal", HttpStatusCode.OK, () => client.RevealAsync(secret.Id, secret.AccessToken));
        await Check("DELETE /api/secrets/{id}", HttpStatusCode.NoContent, () => client.DeleteAsync(secret.Id, secret.ManageToken));
        await Check("DELETE /api/secrets/{id} (no token)", HttpStatusCode.Unauthorized, () => client.DeleteAsync(ApiCalls.NewId(), null));

        await using var limited = fixture.CreateApp(new Dictionary<string, string?>
        {
            ["SecretShare:RateLimiting:Enabled"] = "true",
            ["SecretShare:RateLimiting:TokenPermitLimit"] = "1",
        });
        using var limitedClient = limited.CreateHttpClient();
        await Check("POST reveal (first)", HttpStatusCode.NotFound, () => limitedClient.RevealAsync(ApiCalls.NewId(), ApiCalls.NewToken()));
        using var refused = await Check("POST reveal (limited)", HttpStatusCode.TooManyRequests, () => limitedClient.RevealAsync(ApiCalls.NewId(), ApiCalls.NewToken()));
        Assert.NotNull(refused.Headers.RetryAfter);

        Assert.Equal([200, 201, 204, 304, 400, 401, 403, 404, 405, 413, 415, 429], seen.Select(s => s.Status).Distinct().Order());
    }

    [Fact]
    public async Task The_API_reference_is_at_scalar_in_Development_only_with_its_script_allowed_by_a_fresh_nonce()
    {
        using (var production = await fixture.Client.GetAsync("scalar"))
        {
            Assert.Equal(HttpStatusCode.NotFound, production.StatusCode);
        }

        await using var app = fixture.CreateApp(new Dictionary<string, string?> { ["environment"] = "Development" });
        using var client = app.CreateHttpClient();
        var nonces = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var page = await client.GetAsync("scalar");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            ReliabilitySupport.AssertSecurityHeaders(page, "GET /scalar");
            var html = await page.Content.ReadAsStringAsync();
            var nonce = Regex.Match(html, "nonce=\"([^\"]+)\"").Groups[1].Value;
            Assert.NotEmpty(nonce);
            Assert.Equal(SecurityHeaders.ApiReferencePolicy(nonce), page.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Contains("SecretShare API", html, StringComparison.Ordinal);
            nonces.Add(nonce);

            // Every script comes from the service itself, and is served.
            foreach (var source in Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\"").Select(m => m.Groups[1].Value))
            {
                Assert.DoesNotContain("//", source, StringComparison.Ordinal);
                using var script = await client.GetAsync(new Uri(new Uri(client.BaseAddress!, "scalar/"), source));
                Assert.Equal(HttpStatusCode.OK, script.StatusCode);
            }
        }

        Assert.NotEqual(nonces[0], nonces[1]);
    }
}
