using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>
/// Writes a received file inside a folder and nowhere else. The sender chose the name, so it is reduced to one plain
/// file name (<see cref="SecretFile.SafeFileName"/>: "../x" and "/etc/passwd" become "x" and "passwd"), and an existing
/// file is never replaced unless asked: "name (2).ext" is used instead. Two files of one secret never replace each other.
/// </summary>
internal sealed class ReceivedFiles(string folder, bool overwrite)
{
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <returns>The path written.</returns>
    public async Task<string> WriteAsync(SecretFile file, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        var name = SecretFile.SafeFileName(file.Name);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 1; ; n++)
        {
            var path = Path.GetFullPath(Path.Combine(root, n == 1 ? name : $"{stem} ({n}){extension}"));
            if (!string.Equals(Path.GetDirectoryName(path), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
            {
                throw CliException.Usage($"Refusing to write the received file '{file.Name}' outside {root}.");
            }

            if (_written.Contains(path))
            {
                continue;
            }

            try
            {
                // CreateNew fails if the name exists, even when another process created it a moment ago.
                await using var stream = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
                await stream.WriteAsync(file.Data, cancellationToken).ConfigureAwait(false);
                _written.Add(path);
                return path;
            }
            catch (IOException) when (!overwrite && (File.Exists(path) || Directory.Exists(path)))
            {
                // Taken: try the next name.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"Cannot write {path}: {ex.Message}");
            }
        }
    }
}
