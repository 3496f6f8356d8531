using System.Data.Common;
using Microsoft.Data.Sqlite;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Host.Persistence;

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

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;";
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public async Task<WriteScope> BeginWriteAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var connection = (SqliteConnection)await OpenAsync(ct);
            var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: take the write lock now
            return new WriteScope(connection, transaction, () => _writeGate.Release());
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    // Only UNIQUE and PRIMARY KEY: a NOT NULL or CHECK failure is a bug, not "the row is already there".
    public bool IsUniqueViolation(DbException error) =>
        error is SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintUnique or SqliteConstraintPrimaryKey };

    public bool IsTransient(DbException error) => error is SqliteException { SqliteErrorCode: 5 or 6 }; // BUSY, LOCKED

    public void Dispose() => _writeGate.Dispose();
}
