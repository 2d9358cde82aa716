using System.Text.Json;

namespace SecretShare.Client;

/// <summary>
/// The plaintext inside a payload: <c>{"text": "...", "files": [...]}</c>. Files are reserved so that they
/// can follow without a protocol change; their shape is not defined yet, so they are carried as raw JSON.
/// Unknown fields are ignored when reading.
/// </summary>
public sealed record SecretEnvelope(string Text, JsonElement? Files = null);
