using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// The deployment manifest, written both ways a user would (the AppHost's `--publisher manifest`, and the Aspire CLI's
/// `aspire do publish-manifest`): what a deployment tool needs per backend, and nothing of local development in it.
/// </summary>
public sealed class ManifestTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    public static TheoryData<string, string> Publishers => new()
    {
        { "postgres", "apphost" },
        { "dynamodb", "apphost" },
        { "postgres", "aspire-cli" },
        { "dynamodb", "aspire-cli" },
    };

    [Theory]
    [MemberData(nameof(Publishers))]
    public async Task The_manifest_describes_the_backend_and_carries_no_local_development_settings(string backend, string publisher)
    {
        var output = Directory.CreateTempSubdirectory("secretshare-manifest-");
        try
        {
            var manifestPath = publisher == "apphost"
                ? await PublishWithAppHostAsync(backend, Path.Combine(output.FullName, "aspire-manifest.json"))
                : await PublishWithAspireCliAsync(backend, output.FullName);
            var resources = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath, Token))!["resources"]!.AsObject();

            var api = resources["api"]!;
            Assert.Equal("project.v0", (string?)api["type"]);
            Assert.True((bool?)api["bindings"]!["http"]!["external"]);
            Assert.Equal("project.v0", (string?)resources["cleanup"]!["type"]);
            foreach (var service in new[] { api, resources["cleanup"]! })
            {
                var environment = service["env"]!.AsObject();
                Assert.DoesNotContain(environment, pair => pair.Key.StartsWith("AWS_ACCESS_KEY", StringComparison.Ordinal)
                    || pair.Key is "AWS_SECRET_ACCESS_KEY" or "AWS_ENDPOINT_URL_DYNAMODB" or "DYNAMODB_ENDPOINT" or "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT");
                if (backend == "postgres")
                {
                    Assert.Equal(
                        "postgresql://postgres:{postgres-password-uri-encoded.value}@{postgres.bindings.tcp.host}:{postgres.bindings.tcp.port}/secretsdb",
                        (string?)environment["DATABASE_URL"]);
                    Assert.False(environment.ContainsKey("DYNAMODB_TABLE"));
                }
                else
                {
                    Assert.Equal("secretshare-secrets", (string?)environment["DYNAMODB_TABLE"]);
                    Assert.Equal("us-east-1", (string?)environment["AWS_REGION"]);
                    Assert.False(environment.ContainsKey("DATABASE_URL"));
                }
            }

            // The audit key reaches the API only, as a generated secret parameter: never a literal value.
            Assert.Equal("local", (string?)api["env"]!["SecretShare__Audit__CurrentKeyId"]);
            Assert.Equal("{audit-key.value}", (string?)api["env"]!["SecretShare__Audit__Keys__local"]);
            Assert.DoesNotContain(resources["cleanup"]!["env"]!.AsObject(), pair => pair.Key.StartsWith("SecretShare__Audit", StringComparison.Ordinal));
            Assert.Equal("parameter.v0", (string?)resources["audit-key"]!["type"]);
            Assert.True((bool?)resources["audit-key"]!["inputs"]!["value"]!["secret"]);

            // Local stand-ins (executables, DynamoDB Local) never reach a deployment; PostgreSQL is a real container.
            Assert.DoesNotContain(resources, pair => (string?)pair.Value!["type"] == "executable.v0");
            Assert.False(resources.ContainsKey("dynamodb"));
            if (backend == "postgres")
            {
                Assert.Equal("container.v0", (string?)resources["postgres"]!["type"]);
                Assert.StartsWith("docker.io/library/postgres:", (string?)resources["postgres"]!["image"]);
                Assert.Equal("parameter.v0", (string?)resources["postgres-password"]!["type"]);
            }
            else
            {
                Assert.Equal(["api", "audit-key", "cleanup"], resources.Select(pair => pair.Key).Order());
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task<string> PublishWithAppHostAsync(string backend, string manifestPath)
    {
        await using var appHost = AppHostProcess.Start(null, "--publisher", "manifest", "--output-path", manifestPath, "--Backend", backend);
        Assert.Equal(0, await appHost.WaitForExitAsync(Timeout));
        Assert.DoesNotContain("databases run as", appHost.Output);
        return manifestPath;
    }

    private static async Task<string> PublishWithAspireCliAsync(string backend, string outputFolder)
    {
        // The CLI is a local tool of the repository (.config/dotnet-tools.json; `dotnet tool restore` installs it).
        var start = new ProcessStartInfo("dotnet",
            ["tool", "run", "aspire", "do", "publish-manifest", "--apphost", "SecretShare.AppHost/SecretShare.AppHost.csproj",
                "--no-build", "--non-interactive", "--nologo", "--output-path", outputFolder, "--", "--Backend", backend])
        {
            WorkingDirectory = AppHostProcess.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPIRE_CLI_TELEMETRY_OPTOUT"] = "true";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "true";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Timeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"aspire do publish-manifest exited {process.ExitCode}:\n{await output}\n{await error}");
        return Path.Combine(outputFolder, "aspire-manifest.json");
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;
}
