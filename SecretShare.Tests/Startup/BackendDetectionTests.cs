using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Startup;

/// <summary>SPEC section 4, checked on the real executables: exit codes and the one line an operator reads.</summary>
public sealed class BackendDetectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("SecretShare.Api")]
    [InlineData("SecretShare.Cleanup")]
    public async Task Without_a_database_start_up_stops_with_one_clear_line(string service)
    {
        await using var process = ServiceProcess.Start(service, new Dictionary<string, string?>());

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal("No database configured. Set DATABASE_URL or DYNAMODB_TABLE", process.Output.Trim());
    }

    [Theory]
    [InlineData("SecretShare.Api", "mysql://user:pass@localhost/db")]
    [InlineData("SecretShare.Api", "localhost:5432")]
    [InlineData("SecretShare.Cleanup", "http://example.org")]
    public async Task A_database_url_that_is_not_postgres_stops_start_up(string service, string url)
    {
        await using var process = ServiceProcess.Start(service, new Dictionary<string, string?> { [EnvironmentVariables.DatabaseUrl] = url });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        Assert.Equal("Invalid DATABASE_URL: must start with postgres://", process.Output.Trim());
    }

    [Fact]
    public async Task Invalid_limits_stop_start_up_with_one_line_naming_the_setting()
    {
        await using var process = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "unused",
            ["SecretShare__Limits__DefaultMaxViews"] = "500",
        });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        var output = process.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("Invalid configuration:", output);
        Assert.Contains("DefaultMaxViews", output);
    }

    [Fact]
    public async Task A_web_root_without_the_language_list_stops_start_up_with_one_line()
    {
        using var webRoot = new Client.TempFolder();
        await using var process = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "unused",
            ["ASPNETCORE_WEBROOT"] = webRoot.Path,
        });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        var output = process.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("The web UI's language list", output);
        Assert.Contains(Path.Combine(webRoot.Path, "locales", "languages.json"), output);
    }

    /// <summary>
    /// Every option of every <c>SecretShare:*</c> section, found by reflection so that a new one is covered too, with a
    /// value of the wrong type, in the executable that reads it, in Production and in Development (ValidateOnBuild).
    /// </summary>
    public static TheoryData<string, string, string, string> OptionsWithAValueOfTheWrongType
    {
        get
        {
            var data = new TheoryData<string, string, string, string>();
            foreach (var (service, key, value) in WrongTypedOptions())
            {
                foreach (var environment in new[] { "Production", "Development" })
                {
                    data.Add(service, key, value, environment);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(OptionsWithAValueOfTheWrongType))]
    public async Task An_option_of_the_wrong_type_stops_start_up_with_one_line_naming_the_key_and_value(
        string service, string key, string value, string environment)
    {
        // Start-up fails before the database is used; were it not to, the unreachable one fails it fast with another line.
        var variables = new Dictionary<string, string?>
        {
            ["SecretShare__Storage__StartupTimeoutSeconds"] = "0",
            ["DOTNET_ENVIRONMENT"] = environment,
            ["ASPNETCORE_ENVIRONMENT"] = environment,
        };
        if (service == "SecretShare.Api")
        {
            variables[EnvironmentVariables.DynamoDbTable] = "unused";
            variables[EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1";
        }
        else
        {
            // On DynamoDB the worker has nothing to do and exits 0 before reading its options.
            variables[EnvironmentVariables.DatabaseUrl] = "postgres://secretshare:unused@127.0.0.1:1/secretsdb";
        }

        variables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        await using var process = ServiceProcess.Start(service, variables);

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        var output = process.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("Invalid configuration:", output);
        Assert.Contains($"'{value}' at '{key}'", output);
    }

    [Theory]
    [InlineData("SecretShare__Limits__MaxLifetimeSeconds", "3600", "SecretShare:Limits requires MaxExpiresInSeconds <= MaxLifetimeSeconds")]
    [InlineData("SecretShare__Limits__DefaultExpiresInSeconds", "30", "SecretShare:Limits requires MinExpiresInSeconds <= DefaultExpiresInSeconds <= MaxExpiresInSeconds")]
    [InlineData("SecretShare__Limits__DefaultMaxViews", "101", "SecretShare:Limits requires DefaultMaxViews <= MaxViews")]
    public async Task Limits_that_contradict_each_other_stop_start_up_with_one_line(string variable, string value, string expected)
    {
        await using var process = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            ["SecretShare__Storage__StartupTimeoutSeconds"] = "0",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            [EnvironmentVariables.DynamoDbTable] = "unused",
            [EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1",
            [variable] = value,
        });

        Assert.Equal(1, await process.WaitForExitAsync(Timeout));
        var output = process.Output.Trim();
        Assert.DoesNotContain('\n', output);
        Assert.StartsWith("Invalid configuration:", output);
        Assert.Contains(expected, output);
    }

    /// <summary>(executable, key, value) for each option: sections of the Storage library are read by both executables.</summary>
    private static IEnumerable<(string Service, string Key, string Value)> WrongTypedOptions()
    {
        var readers = new[]
        {
            (typeof(SecretShare.Api.ApiExtensions).Assembly, new[] { "SecretShare.Api" }),
            (typeof(SecretShare.Cleanup.CleanupOptions).Assembly, new[] { "SecretShare.Cleanup" }),
            (typeof(SecretShare.Storage.StorageOptions).Assembly, new[] { "SecretShare.Api", "SecretShare.Cleanup" }),
        };
        foreach (var (assembly, services) in readers)
        {
            foreach (var type in assembly.GetExportedTypes())
            {
                if (type.GetField("SectionName")?.GetRawConstantValue() is not string section || !section.StartsWith("SecretShare:", StringComparison.Ordinal))
                {
                    continue;
                }

                // Text and collections (the audit key ids and keys) take any value: none is of the wrong type.
                foreach (var property in type.GetProperties().Where(property => property.SetMethod?.IsPublic == true && property.PropertyType.IsValueType))
                {
                    foreach (var service in services)
                    {
                        yield return (service, $"{section}:{property.Name}", property.PropertyType == typeof(bool) ? "yes" : "abc");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("postgresql")]
    [Trait("Backend", "Postgres")]
    public async Task A_postgres_url_selects_PostgreSQL(string scheme)
    {
        var url = await (await TestServers.Postgres).CreateDatabaseAsync("detect");
        var port = ExternalProcess.FreePort();
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = scheme + url[url.IndexOf(':', StringComparison.Ordinal)..],
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await AssertServesAsync(api, port, "Storage: PostgreSQL");
    }

    [Theory]
    [InlineData(EnvironmentVariables.DynamoDbEndpoint)]
    [InlineData(EnvironmentVariables.AwsEndpointUrlDynamoDb)]
    [Trait("Backend", "DynamoDb")]
    public async Task A_table_name_selects_DynamoDB_at_the_endpoint_given_by_either_variable(string endpointVariable)
    {
        // Development with an endpoint override: DynamoDB Local, where the API makes up credentials and creates the tables.
        var endpoint = (await TestServers.DynamoDb).Endpoint;
        var port = ExternalProcess.FreePort();
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = $"detect-{Guid.NewGuid():N}",
            [endpointVariable] = endpoint,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        });

        await AssertServesAsync(api, port, $"at {endpoint}");
    }

    [Fact]
    [Trait("Backend", "DynamoDb")]
    public async Task Outside_Development_an_endpoint_override_creates_no_table_and_stops_with_one_line()
    {
        var endpoint = (await TestServers.DynamoDb).Endpoint;
        var table = $"missing-{Guid.NewGuid():N}";
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = table,
            [EnvironmentVariables.AwsEndpointUrlDynamoDb] = endpoint,
            [EnvironmentVariables.AwsAccessKeyId] = "local",
            [EnvironmentVariables.AwsSecretAccessKey] = "local",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}",
        });

        Assert.Equal(1, await api.WaitForExitAsync(Timeout));
        var lastLine = api.Output.Trim().Split('\n')[^1];
        Assert.Equal(
            $"DynamoDB table {table} does not exist at {endpoint}: create it first (deploy/). Only in Development (ASPNETCORE_ENVIRONMENT=Development) with an endpoint override are the tables created at start-up.",
            lastLine);
        Assert.DoesNotContain("   at ", api.Output);
        using var client = DynamoDbLocalServer.ClientFor(endpoint);
        var tables = await client.ListTablesAsync(TestContext.Current.CancellationToken);
        Assert.DoesNotContain(tables.TableNames, name => name.StartsWith(table, StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Backend", "DynamoDb")]
    public async Task Outside_Development_an_endpoint_override_signs_with_no_made_up_credentials()
    {
        var endpoint = (await TestServers.DynamoDb).Endpoint;
        var table = $"nocreds-{Guid.NewGuid():N}";
        await DynamoDbLocalServer.CreateTablesAsync(endpoint, table);
        await using var api = ServiceProcess.Start("SecretShare.Api", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = table,
            [EnvironmentVariables.DynamoDbEndpoint] = endpoint,
            // The chain's last resort is the EC2 instance metadata service; there is none here, so skip its timeouts.
            ["AWS_EC2_METADATA_DISABLED"] = "true",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}",
        });

        Assert.Equal(1, await api.WaitForExitAsync(Timeout));
        var lastLine = api.Output.Trim().Split('\n')[^1];
        Assert.StartsWith($"No AWS credentials for DynamoDB table {table} at {endpoint}: the SDK's standard chain found none", lastLine);
        Assert.DoesNotContain("   at ", api.Output);
        Assert.DoesNotContain("Exception", api.Output);
    }

    [Fact]
    [Trait("Backend", "DynamoDb")]
    public async Task On_DynamoDB_the_cleanup_worker_defers_to_TTL_and_exits_0()
    {
        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DynamoDbTable] = "secrets",
            [EnvironmentVariables.DynamoDbEndpoint] = "http://127.0.0.1:1",
        });

        Assert.Equal(0, await cleanup.WaitForExitAsync(Timeout));
        Assert.Contains("DynamoDB TTL on expires_at removes expired secrets", cleanup.Output);
    }

    private static async Task AssertServesAsync(ServiceProcess api, int port, string expectedLog)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await ExternalProcess.WaitUntilAsync(async () => (await client.GetAsync("health")).IsSuccessStatusCode, Timeout, "the API");

        var secret = await client.CreateAsync();
        var revealed = await (await client.RevealAsync(secret.Id, secret.AccessToken)).AssertOkAsync();
        Assert.Equal(secret.Ciphertext, revealed["ciphertext"]!.GetValue<string>());
        Assert.Contains(expectedLog, api.Output);
    }
}
