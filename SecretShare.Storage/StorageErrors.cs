using System.Net.Sockets;
using Amazon.Runtime;
using Npgsql;

namespace SecretShare.Storage;

/// <summary>Tells a storage outage (answer 503 and let the client retry) from a bug (answer 500).</summary>
public static class StorageErrors
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown), 58 system error.
                    return postgres.SqlState[..2] is "08" or "53" or "57" or "58";
                case NpgsqlException:
                case SocketException:
                case TimeoutException:
                case HttpRequestException:
                case IOException:
                    return true;
                case AmazonServiceException aws when (int)aws.StatusCode >= 500 || aws.ErrorCode is "ThrottlingException"
                    or "ProvisionedThroughputExceededException" or "RequestLimitExceeded":
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// After a PostgreSQL connection failure, drops the idle pooled connections too: when the server restarts every one
    /// of them is dead, and each would otherwise fail one more request before the pool notices.
    /// </summary>
    public static void DropIdleConnectionsAfter(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException and not PostgresException || current is PostgresException { SqlState: ['0', '8', ..] or ['5', '7', ..] })
            {
                NpgsqlConnection.ClearAllPools();
                return;
            }
        }
    }
}
