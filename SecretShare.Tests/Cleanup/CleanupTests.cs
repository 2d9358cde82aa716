using Npgsql;
using SecretShare.Storage.Configuration;
using SecretShare.Tests.Infrastructure;

namespace SecretShare.Tests.Cleanup;

/// <summary>SPEC section 5 on PostgreSQL: the worker removes expired rows, in batches, and nothing else.</summary>
[Trait("Backend", "Postgres")]
public sealed class CleanupTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task One_pass_deletes_exactly_the_expired_rows_in_batches_and_logs_the_count()
    {
        var live = await fixture.Client.CreateAsync(new() { ["expiresInSeconds"] = 3600 });
        var expiring = await fixture.Client.CreateAsync(new() { ["expiresInSeconds"] = 1 });
        await InsertExpiredRowsAsync(count: 7);
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        Assert.True(await fixture.IsStoredAsync(expiring.Id));

        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = fixture.DatabaseUrl,
            ["SecretShare__Cleanup__BatchSize"] = "3",
        }, "--once");

        Assert.Equal(0, await cleanup.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Deleted 8 expired secrets", cleanup.Output);
        Assert.False(await fixture.IsStoredAsync(expiring.Id));
        Assert.True(await fixture.IsStoredAsync(live.Id));
        Assert.Equal(0, await CountExpiredRowsAsync());
        await (await fixture.Client.RevealAsync(live.Id, live.AccessToken)).AssertOkAsync();
    }

    [Fact]
    public async Task The_worker_keeps_running_and_cleans_on_its_interval()
    {
        await InsertExpiredRowsAsync(count: 2);

        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", new Dictionary<string, string?>
        {
            [EnvironmentVariables.DatabaseUrl] = fixture.DatabaseUrl,
            ["SecretShare__Cleanup__IntervalSeconds"] = "1",
        });
        await cleanup.WaitForOutputAsync("Cleanup runs every 1 s", TimeSpan.FromSeconds(60));
        await ExternalProcess.WaitUntilAsync(async () => await CountExpiredRowsAsync() == 0, TimeSpan.FromSeconds(30), "the first pass");

        await InsertExpiredRowsAsync(count: 3);
        await ExternalProcess.WaitUntilAsync(async () => await CountExpiredRowsAsync() == 0, TimeSpan.FromSeconds(30), "a later pass");

        // The pass logs after its DELETE has committed; the line may reach the pipe a moment after the rows are gone.
        await cleanup.WaitForOutputAsync("Deleted 3 expired secrets", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_one_pass_run_that_fails_says_so_and_exits_1_for_cron()
    {
        // A database of its own: its secrets table refuses every DELETE, which no retry can fix.
        var databaseUrl = await (await TestServers.Postgres).CreateDatabaseAsync("cleanupfails");
        var environment = new Dictionary<string, string?> { [EnvironmentVariables.DatabaseUrl] = databaseUrl };
        await using (var migrate = ServiceProcess.Start("SecretShare.Cleanup", environment, "--once"))
        {
            Assert.Equal(0, await migrate.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        await using (var dataSource = NpgsqlDataSource.Create(PostgresUrl.ToConnectionString(databaseUrl)))
        {
            await using var refuse = dataSource.CreateCommand("""
                CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deletes refused'; END $$;
                CREATE TRIGGER refuse_delete BEFORE DELETE ON secrets FOR EACH ROW EXECUTE FUNCTION refuse_delete();
                """);
            await refuse.ExecuteNonQueryAsync();
            await InsertExpiredRowsAsync(dataSource, count: 1);
        }

        await using var cleanup = ServiceProcess.Start("SecretShare.Cleanup", environment, "--once");

        Assert.Equal(1, await cleanup.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Cleanup pass failed", cleanup.Output);
        Assert.Contains("deletes refused", cleanup.Output);
    }

    private async Task InsertExpiredRowsAsync(int count)
    {
        await using var dataSource = fixture.CreateDataSource();
        await InsertExpiredRowsAsync(dataSource, count);
    }

    /// <summary>Rows that expired an hour ago, in one statement so a concurrent pass sees all of them or none.</summary>
    private static async Task InsertExpiredRowsAsync(NpgsqlDataSource dataSource, int count)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO secrets (id, encrypted_data, access_hash, manage_hash, created_at, expires_at, expires_at_limit, max_views, extendable, passphrase_protected)
            SELECT substr(md5(random()::text || g::text), 1, 22), '\x01', '\x00', '\x00', now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 hour', 1, false, false
            FROM generate_series(1, $1) AS g
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountExpiredRowsAsync()
    {
        await using var dataSource = fixture.CreateDataSource();
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM secrets WHERE expires_at <= now()");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
