using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ViewSync.Server.Storage;

/// <summary>
/// One statement of the writer connection, prepared once and run straight on SQLite's C API: parameters bound by
/// position, no reader object per run. A mutation runs about eight of these; through <see cref="SqliteCommand"/>
/// (a data reader, a name look-up per parameter and a parameter object per value on every run) they cost more
/// than the whole group commit's one disk flush shared by a batch.
/// </summary>
/// <remarks>Not thread-safe: used only under the storage's write gate, like the writer connection itself.</remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The writer connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    /// <summary>Starts a run: clears what the last run left (even one that threw half way) and binds from the first parameter.</summary>
    public SqliteStatement Start()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        return this;
    }

    public SqliteStatement Bind(int position, string value)
    {
        Check(raw.sqlite3_bind_text(_statement, position, value));
        return this;
    }

    public SqliteStatement Bind(int position, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, position, value));
        return this;
    }

    /// <summary>Binds a blob, or <c>NULL</c> when <paramref name="value"/> is null.</summary>
    public SqliteStatement Bind(int position, byte[]? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, position) : raw.sqlite3_bind_blob(_statement, position, value));
        return this;
    }

    /// <summary>Binds text, or <c>NULL</c> when <paramref name="value"/> is null.</summary>
    public SqliteStatement BindOrNull(int position, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, position) : raw.sqlite3_bind_text(_statement, position, value));
        return this;
    }

    /// <summary>Runs a statement that returns no rows.</summary>
    /// <returns>The rows it inserted, changed or deleted.</returns>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc, _db);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Steps to the next row; false at the end. The next <see cref="Start"/> releases the statement.</summary>
    public bool Read()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            raw.sqlite3_reset(_statement);
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    /// <summary>Ends a read early, so the statement holds no read position until its next run.</summary>
    public void Finish() => raw.sqlite3_reset(_statement);

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string? Text(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public byte[]? Blob(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_blob(_statement, column).ToArray();

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
