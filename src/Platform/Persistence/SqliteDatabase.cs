using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using PromotionEngine.Kernel.Persistence;
using SQLitePCL;

namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. SQLite allows one writer at a time, so writers queue
/// on a gate here rather than spin on SQLITE_BUSY; readers never wait.
/// </summary>
internal sealed class SqliteDatabase : IDatabase, IDisposable
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(string connectionString)
    {
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    public SqlDialect Dialect => SqlDialect.Sqlite;

    /// <summary>The SQLite adapter's spans (docs/operations.md, "Traces").</summary>
    public static readonly ActivitySource Source = new("PromotionEngine.Persistence");

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new PrefixedSqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // A pooled connection keeps its SQLite handle, and a handle keeps its settings: they are set once per handle (and again
        // after a relaxed write), not on every open, which made reads and write transactions pay a PRAGMA statement each.
        var handle = connection.Handle!;
        if (!_settled.TryGetValue(handle, out var state) || state.Relaxed)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;";
            await command.ExecuteNonQueryAsync(ct);
            _settled.AddOrUpdate(handle, new HandleState(Relaxed: false));
        }
        return connection;
    }

    /// <summary>The handles whose settings are made, and whether one was left at synchronous=NORMAL by a relaxed write.</summary>
    private readonly ConditionalWeakTable<sqlite3, HandleState> _settled = new();

    private sealed record HandleState(bool Relaxed);

    public Task<WriteScope> BeginWriteAsync(CancellationToken ct) => BeginAsync(relaxed: false, ct);

    // A pooled connection is set back to synchronous=FULL by OpenAsync when it is next opened (its handle is marked relaxed).
    public Task<WriteScope> BeginRelaxedWriteAsync(CancellationToken ct) => BeginAsync(relaxed: true, ct);

    private async Task<WriteScope> BeginAsync(bool relaxed, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        // Microsoft.Data.Sqlite emits no spans of its own: a write transaction is one, from BEGIN IMMEDIATE to the scope's end
        // (commit or rollback), in the trace of whoever began it. Reads are not traced.
        var span = Source.StartActivity("sqlite write transaction", ActivityKind.Client);
        span?.SetTag("db.system.name", "sqlite");
        try
        {
            var connection = (SqliteConnection)await OpenAsync(ct);
            if (relaxed)
            {
                _settled.AddOrUpdate(connection.Handle!, new HandleState(Relaxed: true)); // its next open sets FULL again
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA synchronous=NORMAL;";
                await command.ExecuteNonQueryAsync(ct);
            }
            var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            return new WriteScope(connection, transaction, () =>
            {
                _writeGate.Release();
                span?.Stop();
            });
        }
        catch (Exception e)
        {
            _writeGate.Release();
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            span?.Stop();
            throw;
        }
    }

    // Only UNIQUE and PRIMARY KEY: a NOT NULL or CHECK failure is a bug, not "the row is already there".
    public bool IsUniqueViolation(DbException error) =>
        error is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey };

    public bool IsTransient(DbException error) => error is SqliteException { SqliteErrorCode: 5 or 6 }; // BUSY, LOCKED

    public async Task<long> BulkInsertAsync(BulkRows rows, WriteScope scope, CancellationToken ct)
    {
        if (rows.Values.Count == 0) return 0;
        // In process, one prepared single-row statement run per row is SQLite's fastest insert.
        await using var command = (SqliteCommand)scope.Connection.CreateCommand();
        command.Transaction = (SqliteTransaction)scope.Transaction;
        command.CommandText = $"INSERT OR IGNORE INTO {rows.Table} ({string.Join(", ", rows.Columns)}) VALUES " +
            $"({string.Join(", ", rows.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var parameters = rows.Columns
            .Select((_, i) => command.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null))).ToArray();
        command.Prepare();
        long inserted = 0;
        foreach (var row in rows.Values)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            inserted += await command.ExecuteNonQueryAsync(ct);
        }
        return inserted;
    }

    public void Dispose() => _writeGate.Dispose();
}
