using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SecretShare.Client;

/// <summary>
/// Thin typed client for the HTTP API (SPEC section 2). It moves ciphertext and tokens only; encryption
/// lives in <see cref="SecretProtocol"/> and <see cref="SecretSharing"/>. Every failure status becomes a
/// <see cref="SecretShareApiException"/>; transport failures stay <see cref="HttpRequestException"/>.
/// </summary>
public sealed class SecretShareClient
{
    private readonly HttpClient _http;

    /// <param name="httpClient">The transport; it is not disposed by this class.</param>
    /// <param name="baseAddress">
    /// The server's base URL, possibly with a path prefix. Defaults to <see cref="HttpClient.BaseAddress"/>.
    /// </param>
    public SecretShareClient(HttpClient httpClient, Uri? baseAddress = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var address = baseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("A base address is required (argument or HttpClient.BaseAddress).", nameof(baseAddress));
        if (!address.IsAbsoluteUri)
        {
            throw new ArgumentException("The base address must be absolute.", nameof(baseAddress));
        }

        _http = httpClient;

        // Relative paths resolve under a trailing slash only; without it a prefix like /app would be dropped.
        BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }

    /// <summary>The server base URL, always ending in '/'.</summary>
    public Uri BaseAddress { get; }

    /// <summary><c>POST /api/secrets</c>.</summary>
    public async Task<CreateSecretResponse> CreateAsync(CreateSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _http.PostAsJsonAsync(
            Url("api/secrets"), request, ApiJsonContext.Default.CreateSecretRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.CreateSecretResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/limits</c>: the payload limit, to refuse an oversized secret before uploading it.</summary>
    public async Task<ServerLimits> GetLimitsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Url("api/limits"), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.ServerLimits, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/secrets/{id}</c>: metadata only, consumes nothing.</summary>
    public async Task<SecretMetadata> GetMetadataAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(SecretUrl(id, ""), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.SecretMetadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/secrets/{id}/reveal</c>: takes one view.</summary>
    public async Task<RevealSecretResponse> RevealAsync(string id, RevealSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _http.PostAsJsonAsync(
            SecretUrl(id, "/reveal"), request, ApiJsonContext.Default.RevealSecretRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.RevealSecretResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/secrets/{id}/extend</c>.</summary>
    public async Task<SecretMetadata> ExtendAsync(string id, ExtendSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _http.PostAsJsonAsync(
            SecretUrl(id, "/extend"), request, ApiJsonContext.Default.ExtendSecretRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.SecretMetadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /api/secrets/{id}</c> with the manage token or the access token (base64url) as bearer.</summary>
    public async Task DeleteAsync(string id, string bearerToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bearerToken);
        using var request = new HttpRequestMessage(HttpMethod.Delete, SecretUrl(id, ""));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/secrets/{id}/status</c> with the manage token as bearer: status, events, the chain's verdict and the signed receipt.</summary>
    public async Task<SecretStatus> GetStatusAsync(string id, string manageToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(manageToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, SecretUrl(id, "/status"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manageToken);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.SecretStatus, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/receipt-keys</c>: the JWK set of the keys that sign receipts.</summary>
    public async Task<ReceiptKeySet> GetReceiptKeysAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(Url("api/receipt-keys"), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.ReceiptKeySet, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/requests</c>.</summary>
    public async Task<CreateRequestResponse> CreateRequestAsync(CreateRequestRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync(
            Url("api/requests"), request, ApiJsonContext.Default.CreateRequestRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.CreateRequestResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/requests/{id}</c>: the public key to encrypt an answer to.</summary>
    public async Task<RequestInfo> GetRequestAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(RequestUrl(id, ""), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.RequestInfo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/requests/{id}/answers</c>.</summary>
    public async Task<CreateAnswerResponse> CreateAnswerAsync(string id, CreateAnswerRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync(
            RequestUrl(id, "/answers"), request, ApiJsonContext.Default.CreateAnswerRequest, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.CreateAnswerResponse, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/requests/{id}/answers</c> with the request's manage token.</summary>
    public async Task<RequestInbox> GetInboxAsync(string id, string manageToken, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, RequestUrl(id, "/answers"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manageToken);
        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, ApiJsonContext.Default.RequestInbox, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /api/requests/{id}</c> with the request's manage token as bearer: the request and its answers.</summary>
    public async Task DeleteRequestAsync(string id, string manageToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(manageToken);
        using var message = new HttpRequestMessage(HttpMethod.Delete, RequestUrl(id, ""));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", manageToken);
        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private Uri RequestUrl(string id, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Url("api/requests/" + Uri.EscapeDataString(id) + suffix);
    }

    private Uri Url(string relative) => new(BaseAddress, relative);

    private Uri SecretUrl(string id, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Url("api/secrets/" + Uri.EscapeDataString(id) + suffix);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("The response body is empty.");
        }
        catch (JsonException ex)
        {
            throw new SecretShareApiException(
                response.StatusCode, "Unexpected response from the server", ex.Message, innerException: ex);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? title = null, detail = null, code = null;
        int? attemptsRemaining = null;
        Dictionary<string, string[]>? errors = null;
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length > 0)
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    title = StringProperty(root, "title");
                    detail = StringProperty(root, "detail");
                    code = StringProperty(root, "code");
                    if (root.TryGetProperty("attemptsRemaining", out var attempts) && attempts.TryGetInt32(out var n))
                    {
                        attemptsRemaining = n;
                    }

                    errors = ReadErrors(root);
                }
            }
        }
        catch (JsonException)
        {
            // Not problem+json (a proxy's HTML page, say): the status alone has to do.
        }

        throw new SecretShareApiException(
            response.StatusCode,
            title ?? response.ReasonPhrase,
            detail,
            attemptsRemaining,
            RetryAfter(response.Headers.RetryAfter),
            errors)
        {
            Code = code,
        };
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string[]>? ReadErrors(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in errors.EnumerateObject())
        {
            result[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. field.Value.EnumerateArray().Select(e => e.ToString())],
                _ => [field.Value.ToString()],
            };
        }

        return result;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
