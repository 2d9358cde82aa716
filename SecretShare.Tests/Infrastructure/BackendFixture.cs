namespace SecretShare.Tests.Infrastructure;

/// <summary>
/// One API on one backend, shared by a test class. Settings for the tests: no rate limits (a dedicated test turns
/// them on) and a one-second minimum lifetime so that expiry can be watched in real time.
/// </summary>
public abstract class BackendFixture : IAsyncLifetime
{
    private SecretShareApp? app;

    public abstract string Backend { get; }

    public SecretShareApp App => app ?? throw new InvalidOperationException("Fixture not initialised");

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The environment that selects this fixture's database, as an operator would set it.</summary>
    public IReadOnlyDictionary<string, string?> BackendSettings { get; private set; } = null!;

    public static IReadOnlyDictionary<string, string?> TestSettings { get; } = new Dictionary<string, string?>(TestAuditKeys.Settings())
    {
        ["SecretShare:RateLimiting:Enabled"] = "false",
        ["SecretShare:Limits:MinExpiresInSeconds"] = "1",
    };

    public async ValueTask InitializeAsync()
    {
        BackendSettings = await CreateBackendSettingsAsync();
        app = CreateApp();
        Client = app.CreateHttpClient();
    }

    /// <summary>Another API on the same database, with some settings changed; an override of <c>null</c> removes a setting.</summary>
    public SecretShareApp CreateApp(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(TestSettings);
        foreach (var (key, value) in BackendSettings)
        {
            settings[key] = value;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        return new SecretShareApp(settings);
    }

    /// <summary>Whether the row or item for this id still exists, read directly from the database.</summary>
    public abstract Task<bool> IsStoredAsync(string id);

    /// <summary>Every stored byte of the row or item, read directly from the database; <c>null</c> when absent.</summary>
    public abstract Task<byte[]?> ReadStoredBytesAsync(string id);

    /// <summary>Audit head plus events stored for this id, counted directly in the database.</summary>
    public abstract Task<int> CountAuditItemsAsync(string id);

    /// <summary>Tampering behind the API's back: rewrites one event's type in place.</summary>
    public abstract Task SetEventTypeAsync(string id, int seq, string type);

    /// <summary>Tampering: removes one event.</summary>
    public abstract Task DeleteEventAsync(string id, int seq);

    /// <summary>Tampering: swaps the content (all but the keys) of two events, as a reordering would.</summary>
    public abstract Task SwapEventsAsync(string id, int seqA, int seqB);

    /// <summary>
    /// A database writer's rewrite of a whole trail: the stored events go through <paramref name="rewrite"/>, which may
    /// drop, reorder, change and rehash them; the result replaces them, and the head is pointed at its last event
    /// (its MAC, which the writer cannot compute, is left as it was).
    /// </summary>
    public abstract Task RewriteTrailAsync(string id, Func<IReadOnlyList<SecretShare.Storage.Secrets.SecretEvent>, IReadOnlyList<SecretShare.Storage.Secrets.SecretEvent>> rewrite);

    /// <summary>Copies a trail (head and events) as stored, for <see cref="RestoreTrailAsync"/>: a database dump.</summary>
    public abstract Task<object> SnapshotTrailAsync(string id);

    /// <summary>Puts a trail back exactly as <see cref="SnapshotTrailAsync"/> copied it: a rollback to an older dump.</summary>
    public abstract Task RestoreTrailAsync(string id, object snapshot);

    protected abstract Task<IReadOnlyDictionary<string, string?>> CreateBackendSettingsAsync();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        await DisposeDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops a database server that this fixture started for itself.</summary>
    protected virtual ValueTask DisposeDatabaseAsync() => ValueTask.CompletedTask;
}
