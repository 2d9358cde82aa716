using Npgsql;
using SecretShare.Hosting;

namespace SecretShare.Storage.Configuration;

/// <summary>Turns a libpq-style <c>postgres://user:password@host:port/database?option=value</c> URL into an Npgsql connection string.</summary>
public static class PostgresUrl
{
    private const string InvalidPrefix = "Invalid DATABASE_URL: must start with postgres://";

    /// <summary>
    /// Connections per process unless the URL sets <c>maximum_pool_size</c>: four per core of the API's host, at least 8,
    /// instead of Npgsql's 100. SecretShare's statements take a millisecond or less, so a few connections carry all the
    /// load; more only add backends that compete for the database's cores and stretch the tail (docs/performance.md).
    /// </summary>
    public static int DefaultMaxPoolSize { get; } = Math.Max(8, 4 * Environment.ProcessorCount);

    // libpq query options that have an Npgsql equivalent; anything else is rejected rather than silently ignored.
    private static readonly Dictionary<string, string> QueryOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["options"] = "Options",
        ["search_path"] = "Search Path",
        ["pooling"] = "Pooling",
        ["maximum_pool_size"] = "Maximum Pool Size",
        ["minimum_pool_size"] = "Minimum Pool Size",
        ["command_timeout"] = "Command Timeout",
    };

    public static string ToConnectionString(string url)
    {
        if (!url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupConfigurationException(InvalidPrefix);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StartupConfigurationException("Invalid DATABASE_URL: not a valid URL with a host");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host.Trim('[', ']'),
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : null,

            // Performance defaults (docs/performance.md): prepare the handful of hot statements once per pooled
            // connection instead of parsing and planning them on every call, and skip the DISCARD ALL that resets a
            // connection on its way back to the pool, since SecretShare never sets session state.
            MaxAutoPrepare = 20,
            NoResetOnClose = true,
            MaxPoolSize = DefaultMaxPoolSize,
        };

        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo[0].Length > 0)
        {
            builder.Username = Uri.UnescapeDataString(userInfo[0]);
        }

        if (userInfo.Length == 2)
        {
            builder.Password = Uri.UnescapeDataString(userInfo[1]);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            if (!QueryOptions.TryGetValue(key, out var keyword))
            {
                throw new StartupConfigurationException($"Invalid DATABASE_URL: unsupported option '{key}'");
            }

            try
            {
                builder[keyword] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : "";
            }
            catch (ArgumentException)
            {
                throw new StartupConfigurationException($"Invalid DATABASE_URL: bad value for option '{key}'");
            }
        }

        return builder.ConnectionString;
    }
}
