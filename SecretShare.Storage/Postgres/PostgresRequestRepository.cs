using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SecretShare.Storage.Requests;
using SecretShare.Storage.Audit;
using SecretShare.Storage.Secrets;

namespace SecretShare.Storage.Postgres;

/// <summary>
/// PostgreSQL request storage: taking an answer is one call of <c>request_answer</c> (migration 0006), whose
/// conditional update of the request's counter and the answer's inserts commit together or not at all.
/// </summary>
internal sealed class PostgresRequestRepository(NpgsqlDataSource dataSource, IOptions<StorageOptions> options, AuditKeyRing keys) : IRequestRepository
{
    private const string InsertSql = """
        INSERT INTO requests (id, public_key, manage_hash, created_at, expires_at, max_answers, answers, answer_views)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    // One statement, so the request and its answers come from one snapshot.
    private const string FindSql = """
        SELECT r.id, r.public_key, r.manage_hash, r.created_at, r.expires_at, r.max_answers, r.answers, r.answer_views,
               a.seq, a.secret_id, a.ephemeral_key, a.answered_at
        FROM requests r
        LEFT JOIN request_answers a ON a.request_id = r.id
        WHERE r.id = $1 AND r.expires_at > $2
        ORDER BY a.seq
        """;

    private const string AnswerSql = "SELECT answer_seq, answer_expires_at FROM request_answer($1, $2, $3, $4, $5, $6, $7, $8)";

    // The row lock waits for a racing answer's transaction (request_answer updates this row) and keeps any later one
    // out until the delete commits; the next statement's snapshot then sees every answer taken before.
    private const string LockSql = "SELECT manage_hash FROM requests WHERE id = $1 AND expires_at > $2 FOR UPDATE";

    private const string AnswerIdsSql = "SELECT secret_id FROM request_answers WHERE request_id = $1 ORDER BY seq";

    // request_answers go with it (ON DELETE CASCADE).
    private const string DeleteSql = "DELETE FROM requests WHERE id = $1";

    public async Task CreateAsync(RequestState request, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter { Value = request.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = request.PublicKey });
        command.Parameters.Add(new NpgsqlParameter { Value = request.ManageHash });
        command.Parameters.Add(new NpgsqlParameter { Value = request.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = request.ExpiresAt });
        command.Parameters.Add(new NpgsqlParameter { Value = request.MaxAnswers });
        command.Parameters.Add(new NpgsqlParameter { Value = request.Answers });
        command.Parameters.Add(new NpgsqlParameter { Value = request.AnswerViews });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RequestInbox?> FindAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        RequestState? request = null;
        var answers = new List<RequestAnswer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            request ??= new RequestState(
                Id: reader.GetString(0),
                PublicKey: reader.GetFieldValue<byte[]>(1),
                ManageHash: reader.GetFieldValue<byte[]>(2),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(3),
                ExpiresAt: reader.GetFieldValue<DateTimeOffset>(4),
                MaxAnswers: reader.GetInt32(5),
                Answers: reader.GetInt32(6),
                AnswerViews: reader.GetInt32(7));
            if (!reader.IsDBNull(8))
            {
                answers.Add(new RequestAnswer(
                    reader.GetInt32(8), reader.GetString(9), reader.GetFieldValue<byte[]>(10), reader.GetFieldValue<DateTimeOffset>(11)));
            }
        }

        return request is null ? null : new RequestInbox(request, answers);
    }

    public async Task<SecretResult<TakenAnswer>> AnswerAsync(NewAnswer answer, CancellationToken cancellationToken)
    {
        // The answer's trail starts in SQL, keyed like every trail: the key statement goes first in the same transaction.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(PostgresAuditKeys.Command(keys, answer.SecretId));
        var command = new NpgsqlBatchCommand(AnswerSql);
        batch.BatchCommands.Add(command);
        command.Parameters.Add(new NpgsqlParameter { Value = answer.RequestId });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.Now });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.SecretId });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.AccessHash });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.ManageHash });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.Ciphertext });
        command.Parameters.Add(new NpgsqlParameter { Value = answer.EphemeralKey });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Interval, Value = options.Value.EventRetention });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? SecretResult<TakenAnswer>.Granted(new TakenAnswer(
                new RequestAnswer(reader.GetInt32(0), answer.SecretId, answer.EphemeralKey, answer.Now), reader.GetFieldValue<DateTimeOffset>(1)))
            : SecretOutcome.Gone;
    }

    public async Task<SecretResult<IReadOnlyList<string>>> DeleteAsync(
        string id, byte[] manageHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        byte[] stored;
        await using (var lockRow = new NpgsqlCommand(LockSql, connection, transaction))
        {
            lockRow.Parameters.Add(new NpgsqlParameter { Value = id });
            lockRow.Parameters.Add(new NpgsqlParameter { Value = now });
            if (await lockRow.ExecuteScalarAsync(cancellationToken) is not byte[] hash)
            {
                return SecretOutcome.Gone;
            }

            stored = hash;
        }

        if (!CryptographicOperations.FixedTimeEquals(stored, manageHash))
        {
            return SecretResult<IReadOnlyList<string>>.WrongToken(null);
        }

        var answers = new List<string>();
        await using (var read = new NpgsqlCommand(AnswerIdsSql, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = id });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                answers.Add(reader.GetString(0));
            }
        }

        await using (var delete = new NpgsqlCommand(DeleteSql, connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = id });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return SecretResult<IReadOnlyList<string>>.Granted(answers);
    }
}
