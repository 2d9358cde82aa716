using System.Globalization;
using SecretShare.Storage.Configuration;
using Microsoft.Extensions.Configuration;

/// <summary>The storage backend the AppHost wires the services to.</summary>
internal enum Backend
{
    DynamoDb,
    Postgres,
}

/// <summary>How the AppHost runs the database: decided from the container runtime unless set.</summary>
internal enum DatabaseRuntime
{
    /// <summary>Containers when a container runtime answers, executables otherwise.</summary>
    Auto,
    Container,
    Executable,
}

/// <summary>A setting the AppHost cannot use: reported as one line, exit code 1.</summary>
internal sealed class AppHostSettingsException(string message) : Exception(message);

/// <summary>The AppHost's own settings, read once and validated with messages that say what to write instead.</summary>
internal sealed record AppHostSettings(
    Backend Backend,
    DatabaseRuntime DatabaseRuntime,
    int? ApiHttpPort,
    int ApiReplicas,
    bool PostgresDataVolume,
    bool PgAdmin,
    string DynamoDbTable,
    string AwsRegion)
{
    public static AppHostSettings Read(IConfiguration configuration) => new(
        ReadChoice(configuration, "Backend", Backend.DynamoDb, ("dynamodb", Backend.DynamoDb), ("postgresql", Backend.Postgres), ("postgres", Backend.Postgres)),
        ReadChoice(configuration, "DatabaseRuntime", DatabaseRuntime.Auto,
            ("auto", DatabaseRuntime.Auto), ("container", DatabaseRuntime.Container), ("executable", DatabaseRuntime.Executable)),
        ReadPort(configuration, "Api:HttpPort", fallback: 5080),
        ReadNumber(configuration, "Api:Replicas", fallback: 1, min: 1, max: 16),
        ReadSwitch(configuration, "Postgres:DataVolume"),
        ReadSwitch(configuration, "Postgres:PgAdmin"),
        ReadText(configuration, "DynamoDb:TableName", fallback: LocalDevelopment.DynamoDbTable),
        ReadText(configuration, "DynamoDb:Region", fallback: LocalDevelopment.Region));

    private static T ReadChoice<T>(IConfiguration configuration, string key, T fallback, params (string Name, T Value)[] choices)
    {
        var value = configuration[key]?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        foreach (var (name, choice) in choices)
        {
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        var names = choices.Select(choice => choice.Name).ToArray();
        throw new AppHostSettingsException(
            $"Invalid {key} '{value}': use {string.Join(", ", names[..^1])} or {names[^1]}, " +
            $"for example `dotnet run --project SecretShare.AppHost -- --{key} {names[^1]}`.");
    }

    private static int? ReadPort(IConfiguration configuration, string key, int fallback)
    {
        var port = ReadNumber(configuration, key, fallback, min: 0, max: 65535, hint: ", or 0 for any free port");
        return port == 0 ? null : port;
    }

    private static int ReadNumber(IConfiguration configuration, string key, int fallback, int min, int max, string hint = "")
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new AppHostSettingsException($"Invalid {key} '{value}': use a whole number from {min} to {max}{hint}.");
    }

    private static bool ReadSwitch(IConfiguration configuration, string key)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        return bool.TryParse(value, out var enabled)
            ? enabled
            : throw new AppHostSettingsException($"Invalid {key} '{value}': use true or false.");
    }

    private static string ReadText(IConfiguration configuration, string key, string fallback)
    {
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }
}
