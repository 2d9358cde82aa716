using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Startup;

/// <summary>
/// The audit key (<c>SecretShare:Audit</c>) on the real executable: in Production a missing or malformed key stops
/// start-up with one line that names the setting and never the key, and exit code 1.
/// </summary>
public sealed class AuditKeyStartupTests
{
    private const string SecretValue = "c2VjcmV0LWJ1dC10b28tc2hvcnQ";

    public static TheoryData<string, string?, string?, string> Misconfigurations => new()
    {
        { "missing", null, null, "Invalid configuration: No audit key: set SecretShare:Audit:CurrentKeyId and SecretShare:Audit:Keys:<id>" },
        { "malformed", "k1", SecretValue, "Invalid configuration: SecretShare:Audit:Keys:k1 must be 32 random bytes in base64" },
        { "empty", "k1", "", "Invalid configuration: SecretShare:Audit:Keys:k1 must be 32 random bytes in base64" },
        { "unknown current", "k2", TestAuditKeys.Key, "Invalid configuration: SecretShare:Audit:CurrentKeyId 'k2' names no key in SecretShare:Audit:Keys" },
    };

    [Theory]
    [MemberData(nameof(Misconfigurations))]
    public async Task In_Production_a_missing_or_malformed_audit_key_stops_start_up_with_one_line(
        string what, string? currentKeyId, string? key, string expected)
    {
        Assert.NotNull(what);
        var environment = new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "unused",
            [EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1",
            ["SecretShare__Storage__StartupTimeoutSeconds"] = "0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The test key, removed: only what this case sets remains.
            ["SecretShare__Audit__CurrentKeyId"] = currentKeyId,
            [$"SecretShare__Audit__Keys__{TestAuditKeys.KeyId}"] = null,
        };
        if (key is not null)
        {
            environment["SecretShare__Audit__Keys__k1"] = key;
        }

        await using var api = ServiceProcess.Start("SecretShare.Api", environment);

        Assert.Equal(1, await api.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var output = api.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith(expected, output);
        Assert.DoesNotContain(SecretValue, output);
    }
}
