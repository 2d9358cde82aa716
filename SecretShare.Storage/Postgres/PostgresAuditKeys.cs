using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// Hands one transaction the audit key material of one secret (migrations 0005 and 0007): its id, the current key id,
/// the current key's HMAC pads for that secret and, for the other configured keys (after a rotation), theirs as a list
/// "id:hex,…", as transaction-local settings that end with the transaction. The current pads have a setting of their
/// own so that appending, the common case, reads them without searching the list. Every batch that appends to a trail,
/// or starts one in SQL, sends this statement first.
/// </summary>
internal static class PostgresAuditKeys
{
    private const string Sql = """
        SELECT set_config('secretshare.audit_secret', $1, true), set_config('secretshare.audit_key_id', $2, true),
               set_config('secretshare.audit_current_pads', $3, true), set_config('secretshare.audit_pads', $4, true)
        """;

    public static NpgsqlBatchCommand Command(AuditKeyRing keys, string secretId) => new(Sql)
    {
        Parameters =
        {
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = secretId },
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = keys.Current.Id },
            new() { NpgsqlDbType = NpgsqlDbType.Text, Value = Convert.ToHexStringLower(EventChain.SqlPads(keys.Current, secretId)) },
            new()
            {
                NpgsqlDbType = NpgsqlDbType.Text,
                Value = string.Join(',', keys.All.Where(key => key != keys.Current)
                    .Select(key => $"{key.Id}:{Convert.ToHexStringLower(EventChain.SqlPads(key, secretId))}")),
            },
        },
    };
}
