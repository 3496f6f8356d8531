using System.Data;
using System.Data.Common;
using MySqlConnector;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Host.Persistence;

/// <summary>MariaDB, MySQL or TiDB over the MySQL protocol (MySqlConnector).</summary>
internal sealed class MySqlDatabase : IDatabase, IAsyncDisposable
{
    private readonly MySqlDataSource _source;

    public MySqlDatabase(string connectionString)
    {
        // Affected rows, not found rows: the claim's conditional counters read "0 changed" as a refusal.
        // No reset on every pool checkout (a round trip each time): the engine keeps no session state, and
        // each transaction sets its own isolation level.
        // Event ids in CHAR(36) columns are read as text (they are matched as text), not turned into Guids.
        var builder = new MySqlConnectionStringBuilder(connectionString) { UseAffectedRows = true, ConnectionReset = false, GuidFormat = MySqlGuidFormat.None };
        _source = new MySqlDataSource(builder.ConnectionString);
    }

    public SqlDialect Dialect => SqlDialect.MySql;

    public async Task<DbConnection> OpenAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    public async Task<WriteScope> BeginWriteAsync(CancellationToken ct)
    {
        var connection = await _source.OpenConnectionAsync(ct);
        try
        {
            // Read committed: optimistic version checks and conditional updates need no gap locks.
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            return new WriteScope(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public bool IsUniqueViolation(DbException error) => error is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public bool IsTransient(DbException error) =>
        error is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    /// <summary>Creates the database named in the connection string when it is missing.</summary>
    public static async Task CreateIfMissingAsync(string connectionString, CancellationToken ct)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var name = builder.Database;
        if (string.IsNullOrEmpty(name)) throw new InvalidOperationException("The MySql connection string names no database.");
        builder.Database = "";
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE IF NOT EXISTS `{name.Replace("`", "``")}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
        await command.ExecuteNonQueryAsync(ct);
    }
}
