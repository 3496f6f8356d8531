using System.Data.Common;

namespace PromotionEngine.Kernel.Persistence;

public enum SqlDialect
{
    Sqlite,
    MySql,
}

/// <summary>
/// The relational store every module writes to. Modules keep to their own tables; the Host picks the
/// technology (SQLite file for the embedded default, MySQL protocol for MariaDB, MySQL and TiDB).
/// </summary>
public interface IDatabase
{
    SqlDialect Dialect { get; }

    /// <summary>An open connection for reads.</summary>
    Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>An open connection with a write transaction begun. SQLite has one writer, so this also queues writers.</summary>
    Task<WriteScope> BeginWriteAsync(CancellationToken ct);

    /// <summary>
    /// A write transaction for data that can be derived again (a stored quote): losing its commit to a power
    /// failure costs a recomputation, never a wrong answer. SQLite commits it without waiting for the disk
    /// (<c>synchronous=NORMAL</c> in WAL mode: still atomic, and durable when only the process dies); the MySQL
    /// protocol has no per-transaction durability, so there it is an ordinary write.
    /// </summary>
    Task<WriteScope> BeginRelaxedWriteAsync(CancellationToken ct);

    /// <summary>The statement hit a unique key: the row is already there.</summary>
    bool IsUniqueViolation(DbException error);

    /// <summary>A deadlock or lock timeout: the whole transaction may be tried again.</summary>
    bool IsTransient(DbException error);

    /// <summary>
    /// Inserts many new rows of whole numbers, plain text and nulls in the caller's transaction, the fastest way
    /// the store has (MySQL: LOAD DATA LOCAL streamed from memory; SQLite: multi-row INSERTs). A row whose key is
    /// already there is skipped, never an error (that is what LOAD DATA LOCAL does): the count inserted is
    /// returned and the caller decides what a shortfall means.
    /// </summary>
    Task<long> BulkInsertAsync(BulkRows rows, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// Rows for <see cref="IDatabase.BulkInsertAsync"/>: a table, its columns, and one value per column per row (long, int,
/// string or null).
/// </summary>
public sealed record BulkRows(string Table, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Values);

/// <summary>A write transaction and its connection; disposing without commit rolls back.</summary>
public sealed class WriteScope : IAsyncDisposable
{
    private readonly Action? _onDispose;
    private bool _disposed;

    public WriteScope(DbConnection connection, DbTransaction transaction, Action? onDispose = null)
    {
        Connection = connection;
        Transaction = transaction;
        _onDispose = onDispose;
    }

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }

    public Task CommitAsync(CancellationToken ct) => Transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            _onDispose?.Invoke();
        }
    }
}

/// <summary>A module's versioned SQL migrations, embedded in its assembly under Migrations/&lt;Dialect&gt;/V*.sql.</summary>
public sealed record ModuleSchema(string Module, System.Reflection.Assembly Assembly);
