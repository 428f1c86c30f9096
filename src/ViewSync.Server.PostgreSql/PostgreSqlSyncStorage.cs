using System.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using ViewSync.Mutators;
using ViewSync.Protocol;
using ViewSync.Server.Engine;
using ViewSync.Server.Storage;

namespace ViewSync.Server.PostgreSql;

/// <summary>
/// Storage in PostgreSQL, shared by any number of stateless server nodes: entities, the change log and the
/// applied-id record live in tables of one schema (created on first open, versioned), and changes committed
/// by one node wake the live subscribers of every other (LISTEN/NOTIFY, see <see cref="RemoteLogAdvanced"/>).
/// </summary>
/// <remarks>
/// <para><b>Why cursors never skip.</b> Cursors come from one sequence, but a sequence alone is not safe: two
/// transactions can take 7 and 8 and commit as 8 then 7, and a reader that saw 8 would move past 7 for good.
/// So each scope has a head row, and a write transaction locks the head rows of the scopes it writes
/// (<c>SELECT … FOR UPDATE</c>, in one order) <i>before</i> it takes any cursor. Within a scope, writers
/// therefore run one after another, and a cursor is only handed out after every earlier writer of that scope
/// committed: in each scope, commit order is cursor order. A reader reads a page and the scope's head in one
/// <c>REPEATABLE READ</c> snapshot and may jump to that head (<c>next_cursor</c>): anything committed to the
/// scope later takes a cursor above it. Cursors of different scopes interleave freely, which the protocol
/// allows (clients never assume <c>cursor + 1</c>), and different scopes never wait for each other.</para>
/// <para><b>Group commit.</b> <see cref="ApplyBatchAsync"/> is one transaction with a savepoint per mutation;
/// nothing is answered before <c>COMMIT</c> returns. When the batch fails before or at the commit (connection lost,
/// backend killed), PostgreSQL keeps none of it, and a retry applies each mutation exactly once (if the answer to a
/// COMMIT that did happen is lost, the retry finds the mutations recorded and replays their results).</para>
/// <para><b>Live across nodes.</b> The write transaction calls <c>pg_notify</c> with (scope, cursor) for each
/// scope it advanced; PostgreSQL delivers it only if and when the transaction commits. Every node listens on
/// one connection (reconnecting with backoff) and raises <see cref="RemoteLogAdvanced"/> for other nodes'
/// changes. A notification may be lost during a reconnect; clients still poll, so nothing depends on it.</para>
/// </remarks>
public sealed partial class PostgreSqlSyncStorage : ISyncStorage, ISyncStorageChangeFeed
{
    // A NOTIFY payload is limited to 8000 bytes; a longer scope name is not announced (clients still poll).
    private const int MaxNotifyPayloadBytes = 7900;
    private const string RunFailedMessage = "The mutation failed on the server.";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _channel;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly PostgreSqlSyncStorageOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _listener;

    private PostgreSqlSyncStorage(NpgsqlDataSource dataSource, PostgreSqlSyncStorageOptions options)
    {
        _dataSource = dataSource;
        _options = options;
        _schema = options.Schema;
        _channel = $"{options.Schema}_changes";
        _logger = options.LoggerFactory?.CreateLogger<PostgreSqlSyncStorage>() ?? NullLogger<PostgreSqlSyncStorage>.Instance;
        _listener = options.ListenForChanges ? Task.Run(() => ListenAsync(_stopping.Token)) : Task.CompletedTask;
    }

    /// <inheritdoc />
    public event EventHandler<LogAdvancedEventArgs>? RemoteLogAdvanced;

    /// <summary>Opens the storage, synchronously (for service registration), creating the schema when missing.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</param>
    /// <param name="options">Schema, listening and logging settings.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="InvalidDataException">The schema was written by a newer ViewSync.</exception>
    public static PostgreSqlSyncStorage Open(string connectionString, PostgreSqlSyncStorageOptions? options = null) =>
        OpenAsync(connectionString, options).GetAwaiter().GetResult();

    /// <summary>Opens the storage, creating the schema when missing.</summary>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=…</c>.</param>
    /// <param name="options">Schema, listening and logging settings.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The storage.</returns>
    /// <exception cref="InvalidDataException">The schema was written by a newer ViewSync.</exception>
    public static async Task<PostgreSqlSyncStorage> OpenAsync(string connectionString, PostgreSqlSyncStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        options ??= new PostgreSqlSyncStorageOptions();
        var schema = PostgreSqlSchema.Validate(options.Schema);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (options.LoggerFactory is { } loggerFactory)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        var dataSource = builder.Build();
        try
        {
            await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
                {
                    await using var create = new NpgsqlCommand(PostgreSqlSchema.Create(schema), connection, transaction);
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var check = new NpgsqlCommand($"""SELECT value FROM "{schema}".meta WHERE key = 'schema_version'""", connection);
                var version = (long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (version > PostgreSqlSchema.Version)
                {
                    throw new InvalidDataException(
                        $"PostgreSQL schema '{schema}' was written by a newer ViewSync (schema {version}; this version reads up to {PostgreSqlSchema.Version}). Upgrade the server.");
                }
            }

            return new PostgreSqlSyncStorage(dataSource, options);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes once the listening connection is up, so changes other nodes commit from then on are reported.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when listening.</returns>
    /// <exception cref="InvalidOperationException"><see cref="PostgreSqlSyncStorageOptions.ListenForChanges"/> is off.</exception>
    public Task WaitUntilListeningAsync(CancellationToken cancellationToken = default) =>
        _options.ListenForChanges
            ? _listening.Task.WaitAsync(cancellationToken)
            : throw new InvalidOperationException("This storage does not listen for other nodes' changes: PostgreSqlSyncStorageOptions.ListenForChanges is off.");

    /// <inheritdoc />
    public async Task<StoredResult> ApplyOnceAsync(string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var results = await ApplyAsync([new PendingMutation(scope, mutationId, run)], time, savepoints: false, cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<StoredResult>> ApplyBatchAsync(IReadOnlyList<PendingMutation> mutations, DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mutations);
        return ApplyAsync(mutations, time, savepoints: true, cancellationToken);
    }

    private async Task<IReadOnlyList<StoredResult>> ApplyAsync(IReadOnlyList<PendingMutation> mutations, DateTimeOffset time, bool savepoints, CancellationToken cancellationToken)
    {
        var results = new StoredResult[mutations.Count];
        if (mutations.Count == 0)
        {
            return results;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var heads = await LockScopesAsync(connection, transaction, mutations, cancellationToken).ConfigureAwait(false);
        var advanced = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mutations.Count; i++)
        {
            var (scope, mutationId, run) = mutations[i];
            var before = heads[scope];
            try
            {
                // With savepoints, the mutation opens its savepoint with its first statement and releases it with its last.
                results[i] = await ApplyOneAsync(connection, transaction, scope, mutationId, run, time, heads, advanced, savepoints, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (savepoints && e is not (OperationCanceledException or NpgsqlException))
            {
                // The mutator (not the database) failed: undo this mutation alone and record its rejection.
                await transaction.RollbackAsync("m", cancellationToken).ConfigureAwait(false);
                heads[scope] = before;
                results[i] = await RecordAsync(connection, transaction, scope, mutationId, new StoredResult(false, 0, ErrorCodes.InternalError, RunFailedMessage, [], false), savepoints, cancellationToken)
                    .ConfigureAwait(false);
            }
        }

        foreach (var scope in advanced)
        {
            var payload = $"{_nodeId}\n{heads[scope]}\n{scope}";
            // pg_notify is delivered by PostgreSQL if and when this transaction commits, never before; a payload over
            // its limit (a very long scope name) is not sent: clients of other nodes then hear of it by polling.
            var notify = System.Text.Encoding.UTF8.GetByteCount(payload) <= MaxNotifyPayloadBytes;
            await using var update = Command(connection, transaction, $"""
                UPDATE "{_schema}".scope SET head = @head WHERE scope = @scope;
                {(notify ? "SELECT pg_notify(@channel, @payload)" : "")}
                """, ("head", (long)heads[scope]), ("scope", scope), ("channel", _channel), ("payload", payload));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        // Answer only after COMMIT returns. If it fails, nothing is answered: usually nothing was kept, and when the
        // connection died after PostgreSQL committed, the client's retry finds every mutation recorded and replays it.
        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Locks the head row of every scope the batch writes, creating missing ones, in ordinal order (so two batches
    /// never wait for each other in a cycle), and returns each head. Cursors are taken only after this.
    /// </summary>
    private async Task<Dictionary<string, ulong>> LockScopesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PendingMutation> mutations, CancellationToken cancellationToken)
    {
        var scopes = mutations.Select(m => m.Scope).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var heads = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            await using var command = Command(connection, transaction, $"""
                INSERT INTO "{_schema}".scope (scope) VALUES (@scope) ON CONFLICT (scope) DO NOTHING;
                SELECT head FROM "{_schema}".scope WHERE scope = @scope FOR UPDATE
                """, ("scope", scope));
            heads[scope] = (ulong)(long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        return heads;
    }

    private async Task<StoredResult> ApplyOneAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, string mutationId, Func<IEntityReader, MutationOutcome> run, DateTimeOffset time,
        Dictionary<string, ulong> heads, HashSet<string> advanced, bool savepoint, CancellationToken cancellationToken)
    {
        // Round trips are most of a mutation's cost here, so the savepoint rides with the dedupe check.
        StoredResult? replay = null;
        await using (var recorded = Command(connection, transaction, $"""
            {(savepoint ? "SAVEPOINT m;" : "")}
            SELECT ok, cursor, code, error FROM "{_schema}".applied WHERE scope = @scope AND mutation_id = @id
            """, ("scope", scope), ("id", mutationId)))
        await using (var reader = await recorded.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                replay = new StoredResult(reader.GetBoolean(0), (ulong)reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), [], true);
            }
        }

        if (replay is not null)
        {
            if (savepoint)
            {
                await transaction.ReleaseAsync("m", cancellationToken).ConfigureAwait(false);
            }

            return replay;
        }

        var outcome = run(new Reader(this, connection, transaction, scope));
        if (!outcome.IsApplied)
        {
            return await RecordAsync(connection, transaction, scope, mutationId, new StoredResult(false, 0, outcome.Code, outcome.Error, [], false), savepoint, cancellationToken).ConfigureAwait(false);
        }

        var changes = new List<LogEntry>(outcome.Writes.Count);
        foreach (var write in outcome.Writes)
        {
            var value = write.Json?.ToArray();
            // One round trip per write: change the entity and append the log entry, whose cursor is taken now,
            // under the scope's lock. A delete of what does not exist changes nothing and appends nothing.
            var sql = value is not null
                ? $"""
                    WITH e AS (INSERT INTO "{_schema}".entity (scope, entity, id, value) VALUES (@scope, @entity, @id, @value)
                               ON CONFLICT (scope, entity, id) DO UPDATE SET value = excluded.value RETURNING (xmax = 0) AS created)
                    INSERT INTO "{_schema}".log (cursor, scope, time, entity, id, op, value)
                    SELECT nextval('"{_schema}".cursor_seq'), @scope, @time, @entity, @id, CASE WHEN e.created THEN 'create' ELSE 'update' END, @value FROM e
                    RETURNING cursor, op
                    """
                : $"""
                    WITH d AS (DELETE FROM "{_schema}".entity WHERE scope = @scope AND entity = @entity AND id = @id RETURNING 1)
                    INSERT INTO "{_schema}".log (cursor, scope, time, entity, id, op, value)
                    SELECT nextval('"{_schema}".cursor_seq'), @scope, @time, @entity, @id, 'delete', NULL FROM d
                    RETURNING cursor, op
                    """;
            await using var command = Command(connection, transaction, sql, ("scope", scope), ("entity", write.Entity), ("id", write.Id), ("time", time.ToUniversalTime()));
            command.Parameters.Add(new NpgsqlParameter("value", NpgsqlDbType.Bytea) { Value = (object?)value ?? DBNull.Value });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var cursor = (ulong)reader.GetInt64(0);
                changes.Add(new LogEntry(cursor, scope, time, write.Entity, write.Id, reader.GetString(1), value));
                heads[scope] = cursor;
                advanced.Add(scope);
            }
        }

        return await RecordAsync(connection, transaction, scope, mutationId, new StoredResult(true, heads[scope], null, null, changes, false), savepoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a new result under its mutation id, so replays answer it; releases the mutation's savepoint in the same round trip.</summary>
    private async Task<StoredResult> RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, string mutationId, StoredResult result, bool releaseSavepoint, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            INSERT INTO "{_schema}".applied (scope, mutation_id, ok, cursor, code, error) VALUES (@scope, @id, @ok, @cursor, @code, @error);
            {(releaseSavepoint ? "RELEASE SAVEPOINT m" : "")}
            """, ("scope", scope), ("id", mutationId), ("ok", result.Ok), ("cursor", (long)result.Cursor));
        command.Parameters.Add(new NpgsqlParameter("code", NpgsqlDbType.Text) { Value = (object?)result.Code ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)result.Error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="after"/> is 2^63 or more: cursors are stored as signed 64-bit integers.</exception>
    public async Task<LogPage> ReadLogAsync(string scope, ulong after, int limit, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(after, (ulong)long.MaxValue);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the scope's head and its rows: the head is the cursor the reader may jump to.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var (head, trimmed) = await HeadAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
        var entries = new List<LogEntry>(Math.Min(limit, 1024));
        var hasMore = false;
        await using (var command = Command(connection, transaction, $"""
            SELECT cursor, time, entity, id, op, value FROM "{_schema}".log WHERE scope = @scope AND cursor > @after ORDER BY cursor LIMIT @limit
            """, ("scope", scope), ("after", (long)after), ("limit", limit + 1)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var bytes = 0L;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var value = reader.IsDBNull(5) ? null : reader.GetFieldValue<byte[]>(5);
                var size = value?.Length ?? 0;
                if (entries.Count == limit || (entries.Count > 0 && bytes + size > maxBytes))
                {
                    hasMore = true;
                    break;
                }

                bytes += size;
                entries.Add(new LogEntry((ulong)reader.GetInt64(0), scope, reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), value));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new LogPage(entries, hasMore, head, trimmed);
    }

    /// <inheritdoc />
    public async Task<ulong> ReadStateAsync(string scope, Func<string, string, ReadOnlyMemory<byte>, ValueTask> entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot: the entities are exactly the scope's state at the head returned, however long the caller takes.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var (head, _) = await HeadAsync(connection, transaction, scope, cancellationToken).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, $"""
            SELECT entity, id, value FROM "{_schema}".entity WHERE scope = @scope ORDER BY entity COLLATE "C", id COLLATE "C"
            """, ("scope", scope)))
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                var id = reader.GetString(1);
                var value = await reader.GetFieldValueAsync<byte[]>(2, cancellationToken).ConfigureAwait(false);
                await entity(name, id, value).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return head;
    }

    /// <inheritdoc />
    public async Task<int> TrimAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var cutoff = ("before", (object)before.ToUniversalTime());
        var scopes = new List<string>();
        await using (var command = Command(connection, transaction, $"""SELECT DISTINCT scope FROM "{_schema}".log WHERE time < @before""", cutoff))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                scopes.Add(reader.GetString(0));
            }
        }

        // The same lock order as writers, so trimming and pushing never deadlock.
        scopes.Sort(StringComparer.Ordinal);
        foreach (var scope in scopes)
        {
            await using var lockRow = Command(connection, transaction, $"""SELECT 1 FROM "{_schema}".scope WHERE scope = @scope FOR UPDATE""", ("scope", scope));
            await lockRow.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var mark = Command(connection, transaction, $"""
            UPDATE "{_schema}".scope s SET trimmed = GREATEST(s.trimmed, c.through)
            FROM (SELECT scope, max(cursor) AS through FROM "{_schema}".log WHERE time < @before GROUP BY scope) c
            WHERE s.scope = c.scope
            """, cutoff))
        {
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int removed;
        await using (var delete = Command(connection, transaction, $"""DELETE FROM "{_schema}".log WHERE time < @before""", cutoff))
        {
            removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listener.ConfigureAwait(false);
        _stopping.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<(ulong Head, ulong Trimmed)> HeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""SELECT head, trimmed FROM "{_schema}".scope WHERE scope = @scope""", ("scope", scope));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1)) : (0UL, 0UL);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    /// <summary>Reads one scope's entities inside the mutation's transaction (the mutator API is synchronous).</summary>
    private sealed class Reader(PostgreSqlSyncStorage storage, NpgsqlConnection connection, NpgsqlTransaction transaction, string scope) : IEntityReader
    {
        public bool TryGet(string entity, string id, out ReadOnlyMemory<byte> json)
        {
            using var command = Command(connection, transaction, $"""SELECT value FROM "{storage._schema}".entity WHERE scope = @scope AND entity = @entity AND id = @id""",
                ("scope", scope), ("entity", entity), ("id", id));
            if (command.ExecuteScalar() is byte[] value)
            {
                json = value;
                return true;
            }

            json = default;
            return false;
        }

        public IReadOnlyList<string> Ids(string entity)
        {
            using var command = Command(connection, transaction, $"""SELECT id FROM "{storage._schema}".entity WHERE scope = @scope AND entity = @entity ORDER BY id COLLATE "C" """,
                ("scope", scope), ("entity", entity));
            using var reader = command.ExecuteReader();
            var ids = new List<string>();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }
    }
}
