using System.Text.RegularExpressions;

namespace ViewSync.Server.PostgreSql;

/// <summary>The tables ViewSync keeps in its PostgreSQL schema, and their version.</summary>
internal static partial class PostgreSqlSchema
{
    /// <summary>The version these statements create; a database with a higher one was written by a newer ViewSync.</summary>
    public const int Version = 1;

    /// <summary>Checks a schema name, so it can be put into SQL as an identifier.</summary>
    public static string Validate(string schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (!Identifier().IsMatch(schema))
        {
            throw new ArgumentException(
                $"'{schema}' is not a usable PostgreSQL schema name for ViewSync: use 1 to 63 lower-case letters, digits and underscores, starting with a letter or underscore.",
                nameof(schema));
        }

        return schema;
    }

    /// <summary>
    /// Creates what is missing. Several nodes may start at once: an advisory lock held for the transaction
    /// makes them take turns (concurrent <c>CREATE … IF NOT EXISTS</c> can otherwise fail on the catalog).
    /// </summary>
    /// <remarks>
    /// <c>scope</c> holds one row per scope: its head (the highest cursor committed in it) and how far its
    /// log was trimmed. Writers lock that row (<c>FOR UPDATE</c>) before taking cursors from the sequence, which
    /// is what makes commit order equal cursor order within a scope (see <see cref="PostgreSqlSyncStorage"/>).
    /// </remarks>
    public static string Create(string s) => $"""
        SELECT pg_advisory_xact_lock(hashtext('viewsync schema {s}'));
        CREATE SCHEMA IF NOT EXISTS "{s}";
        CREATE TABLE IF NOT EXISTS "{s}".meta (key text PRIMARY KEY, value bigint NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS "{s}".cursor_seq AS bigint;
        CREATE TABLE IF NOT EXISTS "{s}".scope (scope text PRIMARY KEY, head bigint NOT NULL DEFAULT 0, trimmed bigint NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS "{s}".entity (scope text NOT NULL, entity text NOT NULL, id text NOT NULL, value bytea NOT NULL,
            PRIMARY KEY (scope, entity, id));
        CREATE TABLE IF NOT EXISTS "{s}".log (cursor bigint PRIMARY KEY, scope text NOT NULL, time timestamptz NOT NULL,
            entity text NOT NULL, id text NOT NULL, op text NOT NULL, value bytea);
        CREATE INDEX IF NOT EXISTS log_scope ON "{s}".log (scope, cursor);
        CREATE INDEX IF NOT EXISTS log_time ON "{s}".log (time);
        CREATE TABLE IF NOT EXISTS "{s}".applied (scope text NOT NULL, mutation_id text NOT NULL, ok boolean NOT NULL,
            cursor bigint NOT NULL, code text, error text, PRIMARY KEY (scope, mutation_id));
        INSERT INTO "{s}".meta (key, value) VALUES ('schema_version', {Version}) ON CONFLICT (key) DO NOTHING;
        """;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
