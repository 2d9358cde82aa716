using SecretShare.Client;

namespace SecretShare.Cli;

/// <summary>
/// Writes a received file inside a folder and nowhere else. The sender chose the name, so it is reduced to one plain
/// file name (<see cref="SecretFile.SafeFileName"/>: "../x" and "/etc/passwd" become "x" and "passwd"), and an existing
/// file is never replaced unless asked: "name (2).ext" is used instead. Two files of one secret never replace each other.
/// No write follows a symbolic link: a new file is created exclusively, and a replaced one is written beside it and
/// renamed over it; a symbolic link in the way is refused, even with --force.
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
                throw CliException.Usage($"Refusing to write the received file '{name}' outside {root}.");
            }

            if (_written.Contains(path) || Directory.Exists(path))
            {
                continue;
            }

            try
            {
                if (overwrite && IsSymbolicLink(path))
                {
                    throw CliException.Usage($"Refusing to replace {path}: it is a symbolic link.");
                }

                if (overwrite && File.Exists(path))
                {
                    await ReplaceAsync(root, path, file.Data, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // CreateNew (O_EXCL) fails if the name exists, even as a dangling symbolic link or when another
                    // process created it a moment ago.
                    await WriteNewAsync(path, file.Data, cancellationToken).ConfigureAwait(false);
                }

                _written.Add(path);
                return path;
            }
            catch (IOException) when (!overwrite && Exists(path))
            {
                // Taken: try the next name.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw CliException.Usage($"Cannot write {path}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Writes a new file beside <paramref name="path"/>, then renames it over: the rename replaces the name itself, so
    /// a symbolic link planted there after the check is replaced, never followed.
    /// </summary>
    private static async Task ReplaceAsync(string root, string path, byte[] data, CancellationToken cancellationToken)
    {
        var temporary = Path.Combine(root, $".secretshare-{Guid.NewGuid():N}.tmp");
        try
        {
            await WriteNewAsync(temporary, data, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task WriteNewAsync(string path, byte[] data, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsSymbolicLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || IsSymbolicLink(path);
}
