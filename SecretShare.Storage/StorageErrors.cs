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
}
