using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// Hands one transaction the audit key material of one secret (migration 0005): its id, the current key id and, per
/// configured key, only that secret's HMAC pads, as transaction-local settings that end with the transaction. Every
/// batch that appends to a trail, or starts one in SQL, sends this statement first.
/// </summary>
internal static class PostgresAuditKeys
{
    private const string Sql = """
        SELECT set_config('secretshare.audit_secret', $1, true), set_config('secretshare.audit_key_id', $2, true),
               set_config('secretshare.audit_pads', $3, true)
        """;

    public static NpgsqlBatchCommand Command(AuditKeyRing keys, string secretId) => new(Sql)
    {
        Parameters =
        {
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = secretId },
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = keys.Current.Id },
            new()
            {
                NpgsqlDbType = NpgsqlDbType.Text,
                Value = string.Join(',', keys.All.Select(key => $"{key.Id}:{Convert.ToHexStringLower(EventChain.SqlPads(key, secretId))}")),
            },
        },
    };
}
