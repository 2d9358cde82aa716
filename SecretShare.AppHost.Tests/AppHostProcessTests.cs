using System.Net;
using System.Net.Sockets;

namespace SecretShare.AppHost.Tests;

/// <summary>
/// The AppHost process as README's first command runs it: it says where the dashboard and the app are, Ctrl+C stops
/// everything it started (databases, their data folders, the services, the orchestrator), and a setting it cannot use
/// is one line and exit code 1.
/// </summary>
public sealed class AppHostProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("dynamodb")]
    [InlineData("postgres")]
    public async Task Ctrl_C_stops_the_app_and_leaves_no_process_or_data_folder(string backend)
    {
        var port = AppHostProcess.FreePort();
        await using var appHost = AppHostProcess.Start(null, "--Backend", backend, "--DatabaseRuntime", "executable", "--Api:HttpPort", $"{port}");

        var login = await appHost.WaitForOutputAsync("Login to the dashboard at http://localhost:", StartTimeout);
        Assert.Matches(@"/login\?t=[0-9a-f]+$", login);
        Assert.Contains("databases run as local executables", appHost.Output);
        var ready = await appHost.WaitForOutputAsync("SecretShare is ready:", StartTimeout);
        Assert.EndsWith($"http://localhost:{port} (web UI and API)", ready);
        // The check that would log this warning is the one that puts a red "No trusted development certificate" error
        // on every dashboard page: no resource serves TLS, so without a developer certificate neither may show.
        Assert.DoesNotContain("development certificate", appHost.Output + appHost.Error, StringComparison.OrdinalIgnoreCase);
        using (var client = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://localhost:{port}/health", Token)).StatusCode);
        }

        Assert.NotEmpty(Leftovers.DataFolders(appHost.Id));
        appHost.Interrupt();

        Assert.Equal(0, await appHost.WaitForExitAsync(StopTimeout));
        await Leftovers.AssertNoneAsync(appHost.Id, StopTimeout);
        await AssertNothingListensAsync(port);
    }

    [Theory]
    [InlineData("--Backend", "mysql", "Invalid Backend 'mysql': use dynamodb, postgresql or postgres, for example `dotnet run --project SecretShare.AppHost -- --Backend postgres`.")]
    [InlineData("--DatabaseRuntime", "vm", "Invalid DatabaseRuntime 'vm': use auto, container or executable")]
    [InlineData("--Api:HttpPort", "abc", "Invalid Api:HttpPort 'abc': use a whole number from 0 to 65535, or 0 for any free port.")]
    [InlineData("--Api:Replicas", "0", "Invalid Api:Replicas '0': use a whole number from 1 to 16.")]
    [InlineData("--Postgres:PgAdmin", "yes", "Invalid Postgres:PgAdmin 'yes': use true or false.")]
    public async Task A_setting_it_cannot_use_is_one_line_and_exit_code_1(string option, string value, string message)
    {
        var line = await RefusalAsync(option, value);
        Assert.StartsWith($"SecretShare.AppHost: {message}", line);
    }

    [Fact]
    public async Task A_taken_port_is_one_line_and_exit_code_1_before_anything_starts()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var line = await RefusalAsync("--Api:HttpPort", $"{port}");
        Assert.Equal($"SecretShare.AppHost: Port {port} is already in use: stop what listens there, or choose another port with `-- --Api:HttpPort N` (0 = any free port).", line);
    }

    [Fact]
    public async Task An_api_that_cannot_start_is_reported_on_the_console()
    {
        // An invalid limit reaches the API through the environment it inherits; it stops at start-up with exit code 1.
        var environment = new Dictionary<string, string> { ["SecretShare__Limits__MaxViews"] = "0" };
        await using var appHost = AppHostProcess.Start(environment, "--Api:HttpPort", "0");

        var line = await appHost.WaitForOutputAsync("exit code 1;", StartTimeout);
        Assert.StartsWith("api-", line);
        appHost.Interrupt();
        Assert.Equal(0, await appHost.WaitForExitAsync(StopTimeout));
        await Leftovers.AssertNoneAsync(appHost.Id, StopTimeout);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // The AppHost refuses to start: exit code 1, one line on stderr (returned), nothing created.
    private static async Task<string> RefusalAsync(string option, string value)
    {
        await using var appHost = AppHostProcess.Start(null, option, value);

        Assert.Equal(1, await appHost.WaitForExitAsync(StopTimeout));
        Assert.Empty(Leftovers.DataFolders(appHost.Id));
        return Assert.Single(appHost.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static async Task AssertNothingListensAsync(int port)
    {
        using var socket = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(IPAddress.Loopback, port, Token).AsTask());
    }
}
