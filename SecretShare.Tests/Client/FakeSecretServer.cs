using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretShare.Client;

namespace SecretShare.Tests.Client;

/// <summary>
/// A small in-memory stand-in for the API (views, access-token check, attempts, delete), so the client
/// and the CLI can be tested without a database. It records request bodies to check the wire format.
/// Real-server behaviour is covered by the API's own tests.
/// </summary>
public sealed class FakeSecretServer : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Entry> _secrets = new();

    public List<(HttpMethod Method, string Path, string? Body, string? Authorization)> Requests { get; } = [];

    /// <summary>When set, every request is answered with this (status, problem JSON, Retry-After seconds).</summary>
    public (HttpStatusCode Status, string Problem, int? RetryAfter)? ForcedFailure { get; set; }

    public int Count => _secrets.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        lock (Requests)
        {
            Requests.Add((request.Method, path, body, request.Headers.Authorization?.ToString()));
        }

        if (ForcedFailure is { } failure)
        {
            var forced = Problem(failure.Status, failure.Problem);
            if (failure.RetryAfter is { } seconds)
            {
                forced.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }

            return forced;
        }

        var marker = path.IndexOf("/api/secrets", StringComparison.Ordinal);
        if (marker < 0)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var rest = path[(marker + "/api/secrets".Length)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (request.Method.Method, rest) switch
        {
            ("POST", []) => Create(JsonNode.Parse(body!)!.AsObject()),
            ("GET", [var id]) => WithEntry(id, e => Json(HttpStatusCode.OK, Metadata(id, e))),
            ("POST", [var id, "reveal"]) => WithEntry(id, e => Reveal(id, e, JsonNode.Parse(body!)!["accessToken"]!.GetValue<string>())),
            ("DELETE", [var id]) => WithEntry(id, e => Delete(id, e, request.Headers.Authorization?.Parameter)),
            _ => new HttpResponseMessage(HttpStatusCode.MethodNotAllowed),
        };
    }

    private HttpResponseMessage Create(JsonObject body)
    {
        var id = Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16));
        var manage = Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(32));
        int? maxViews = body.TryGetPropertyValue("maxViews", out var views) ? views?.GetValue<int>() : 1;
        var entry = new Entry(
            body["ciphertext"]!.GetValue<string>(),
            Hash(body["accessToken"]!.GetValue<string>()),
            Hash(manage),
            DateTimeOffset.UtcNow.AddSeconds(body["expiresInSeconds"]?.GetValue<int>() ?? 86400),
            maxViews,
            body["extendable"]?.GetValue<bool>() ?? false,
            body["passphraseProtected"]?.GetValue<bool>() ?? false);
        _secrets[id] = entry;
        var response = Json(HttpStatusCode.Created, new JsonObject
        {
            ["id"] = id,
            ["expiresAt"] = entry.ExpiresAt,
            ["maxViews"] = entry.MaxViews,
            ["extendable"] = entry.Extendable,
            ["passphraseProtected"] = entry.PassphraseProtected,
            ["manageToken"] = manage,
        });
        response.Headers.Location = new Uri($"/api/secrets/{id}", UriKind.Relative);
        return response;
    }

    private HttpResponseMessage Reveal(string id, Entry entry, string accessToken)
    {
        lock (entry)
        {
            if (!entry.AccessHash.SequenceEqual(Hash(accessToken)))
            {
                return WrongToken(id, entry);
            }

            entry.Views++;
            entry.FailedAttempts = 0;
            var burned = entry.MaxViews is { } max && entry.Views >= max;
            if (burned)
            {
                _secrets.TryRemove(id, out _);
            }

            return Json(HttpStatusCode.OK, new JsonObject
            {
                ["ciphertext"] = entry.Ciphertext,
                ["viewsRemaining"] = entry.MaxViews - entry.Views,
                ["expiresAt"] = entry.ExpiresAt,
                ["burned"] = burned,
            });
        }
    }

    private HttpResponseMessage Delete(string id, Entry entry, string? token)
    {
        lock (entry)
        {
            if (token is null || (!entry.AccessHash.SequenceEqual(Hash(token)) && !entry.ManageHash.SequenceEqual(Hash(token))))
            {
                return WrongToken(id, entry);
            }

            _secrets.TryRemove(id, out _);
            return new HttpResponseMessage(HttpStatusCode.NoContent);
        }
    }

    private HttpResponseMessage WrongToken(string id, Entry entry)
    {
        entry.FailedAttempts++;
        var remaining = 5 - entry.FailedAttempts;
        if (remaining <= 0)
        {
            _secrets.TryRemove(id, out _);
        }

        return Problem(HttpStatusCode.Forbidden, new JsonObject
        {
            ["title"] = "Wrong access token",
            ["status"] = 403,
            ["attemptsRemaining"] = remaining,
        }.ToJsonString());
    }

    private HttpResponseMessage WithEntry(string id, Func<Entry, HttpResponseMessage> action) =>
        _secrets.TryGetValue(id, out var entry) && entry.ExpiresAt > DateTimeOffset.UtcNow
            ? action(entry)
            : Problem(HttpStatusCode.NotFound, """{"title":"Not Found","status":404}""");

    private static JsonObject Metadata(string id, Entry e) => new()
    {
        ["id"] = id,
        ["expiresAt"] = e.ExpiresAt,
        ["maxViews"] = e.MaxViews,
        ["viewsRemaining"] = e.MaxViews - e.Views,
        ["passphraseProtected"] = e.PassphraseProtected,
        ["extendable"] = e.Extendable,
    };

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) => new(status)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage Problem(HttpStatusCode status, string problem) => new(status)
    {
        Content = new StringContent(problem, Encoding.UTF8, "application/problem+json"),
    };

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private sealed class Entry(
        string ciphertext, byte[] accessHash, byte[] manageHash, DateTimeOffset expiresAt, int? maxViews, bool extendable, bool passphraseProtected)
    {
        public string Ciphertext { get; } = ciphertext;
        public byte[] AccessHash { get; } = accessHash;
        public byte[] ManageHash { get; } = manageHash;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public int? MaxViews { get; } = maxViews;
        public bool Extendable { get; } = extendable;
        public bool PassphraseProtected { get; } = passphraseProtected;
        public int Views { get; set; }
        public int FailedAttempts { get; set; }
    }
}
