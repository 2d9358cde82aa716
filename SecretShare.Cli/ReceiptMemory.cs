using System.Text.Json;
using System.Text.Json.Serialization;
using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>
/// What this device saw of receipts, for trust on first use (docs/spec.md, "Receipts"): per server the receipt keys'
/// thumbprints, per secret the events seen. One JSON file in the XDG state folder
/// (<c>$XDG_STATE_HOME/secretshare/receipts.json</c>, else <c>~/.local/state/secretshare/receipts.json</c>), readable
/// only by its owner; nothing secret is in it (no token, no payload).
/// </summary>
internal sealed class ReceiptMemory
{
    private readonly string? path;
    private readonly ReceiptState state;

    private ReceiptMemory(string? path, ReceiptState state)
    {
        this.path = path;
        this.state = state;
    }

    /// <summary>Where the file lives, or <c>null</c> when neither XDG_STATE_HOME nor HOME is set.</summary>
    public string? Path => path;

    public static ReceiptMemory Open(CliHost host)
    {
        var folder = host.GetEnvironmentVariable("XDG_STATE_HOME") is { } stateHome && System.IO.Path.IsPathRooted(stateHome)
            ? stateHome
            : host.GetEnvironmentVariable("HOME") is { } home ? System.IO.Path.Combine(home, ".local", "state") : null;
        var path = folder is null ? null : System.IO.Path.Combine(folder, "secretshare", "receipts.json");
        if (path is null || !File.Exists(path))
        {
            return new ReceiptMemory(path, new ReceiptState([], []));
        }

        try
        {
            return new ReceiptMemory(path, JsonSerializer.Deserialize(File.ReadAllBytes(path), ReceiptStateJsonContext.Default.ReceiptState)
                ?? new ReceiptState([], []));
        }
        catch (JsonException)
        {
            // A damaged memory must not silently start over: that would accept a rewound history as new.
            throw new CliException(ExitCodes.Tampered, $"The receipt memory {path} is damaged; move it away to start over.");
        }
    }

    public IReadOnlyDictionary<string, string> KeysOf(Uri server) =>
        state.Servers.TryGetValue(ServerKey(server), out var keys) ? keys : new Dictionary<string, string>();

    /// <summary>Every server whose remembered keys include this key id, with the thumbprint remembered for it.</summary>
    public IEnumerable<(string Server, string Thumbprint)> FindKey(string keyId) =>
        state.Servers.Where(pair => pair.Value.ContainsKey(keyId)).Select(pair => (pair.Key, pair.Value[keyId]));

    public SeenEvents? SeenOf(Uri server, string id) => state.Secrets.GetValueOrDefault(SecretKey(server, id));

    public void Remember(Uri server, Dictionary<string, string> keys, string id, SeenEvents seen)
    {
        state.Servers[ServerKey(server)] = keys;
        state.Secrets[SecretKey(server, id)] = seen;
        if (path is null)
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(file, state, ReceiptStateJsonContext.Default.ReceiptState);
        }

        // A rename replaces the file whole: an interrupted write never leaves half a memory.
        File.Move(temporary, path, overwrite: true);
    }

    private static string ServerKey(Uri server) => server.AbsoluteUri.TrimEnd('/');

    private static string SecretKey(Uri server, string id) => $"{ServerKey(server)} {id}";
}

/// <summary>The file's content: server → (key id → thumbprint), and "server id" → events seen.</summary>
internal sealed record ReceiptState(Dictionary<string, Dictionary<string, string>> Servers, Dictionary<string, SeenEvents> Secrets);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ReceiptState))]
internal sealed partial class ReceiptStateJsonContext : JsonSerializerContext;
