using Npgsql;
using SecretShare.Hosting;
using SecretShare.Storage.Configuration;

namespace SecretShare.Tests.Storage;

[Trait("Tier", "Unit")]
public sealed class PostgresUrlTests
{
    [Fact]
    public void Every_part_of_the_url_reaches_the_connection_string()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString(
            "postgresql://app%40corp:p%3Ass%2Fw0rd@db.example.org:6543/secrets%20db?sslmode=require&application_name=secretshare"));

        Assert.Equal("app@corp", builder.Username);
        Assert.Equal("p:ss/w0rd", builder.Password);
        Assert.Equal("db.example.org", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("secrets db", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal("secretshare", builder.ApplicationName);
    }

    [Fact]
    public void The_port_defaults_to_5432_and_user_and_database_are_optional()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://localhost"));

        Assert.Equal("localhost", builder.Host);
        Assert.Equal(5432, builder.Port);
        Assert.Null(builder.Username);
        Assert.Null(builder.Database);
    }

    [Fact]
    public void The_pool_is_small_by_default_and_the_url_can_size_it()
    {
        var defaults = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://localhost/db"));
        var sized = new NpgsqlConnectionStringBuilder(PostgresUrl.ToConnectionString("postgres://localhost/db?maximum_pool_size=100"));

        Assert.Equal(Math.Max(8, 4 * Environment.ProcessorCount), defaults.MaxPoolSize);
        Assert.Equal(100, sized.MaxPoolSize);
    }

    [Theory]
    [InlineData("mysql://localhost/db", "Invalid DATABASE_URL: must start with postgres://")]
    [InlineData("postgres:/localhost", "Invalid DATABASE_URL: must start with postgres://")]
    [InlineData("postgres://localhost/db?frobnicate=1", "Invalid DATABASE_URL: unsupported option 'frobnicate'")]
    [InlineData("postgres://localhost/db?sslmode=sometimes", "Invalid DATABASE_URL: bad value for option 'sslmode'")]
    public void A_bad_url_is_a_configuration_error_with_a_clear_message(string url, string message)
    {
        var exception = Assert.Throws<StartupConfigurationException>(() => PostgresUrl.ToConnectionString(url));
        Assert.Equal(message, exception.Message);
    }
}
