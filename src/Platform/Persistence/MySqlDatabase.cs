using System.Data;
using System.Data.Common;
using MySqlConnector;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

/// <summary>MariaDB, MySQL or TiDB over the MySQL protocol (MySqlConnector).</summary>
internal sealed class MySqlDatabase : IDatabase, IAsyncDisposable
{
    private readonly MySqlDataSource _source;

    public MySqlDatabase(string connectionString, bool loadData = true)
    {
        _loadDataRefused = !loadData;
        // Affected rows, not found rows: the claim's conditional counters read "0 changed" as a refusal.
        // No reset on every pool checkout (a round trip each time): the engine keeps no session state, and
        // each transaction sets its own isolation level.
        // Event ids in CHAR(36) columns are read as text (they are matched as text), not turned into Guids.
        // LOAD DATA LOCAL for the bulk load: the driver answers only the server's request for the stream named in
        // the engine's own statement, never for a file, so enabling it exposes nothing on this host.
        var builder = new MySqlConnectionStringBuilder(connectionString)
        { UseAffectedRows = true, ConnectionReset = false, GuidFormat = MySqlGuidFormat.None, AllowLoadLocalInfile = true };
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

    public Task<WriteScope> BeginRelaxedWriteAsync(CancellationToken ct) => BeginWriteAsync(ct);

    public bool IsUniqueViolation(DbException error) => error is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public bool IsTransient(DbException error) =>
        error is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    // MySQL 8 ships with local_infile off: once the server refuses LOAD DATA LOCAL, bulk loads are INSERT IGNOREs.
    private volatile bool _loadDataRefused;

    public async Task<long> BulkInsertAsync(BulkRows rows, WriteScope scope, CancellationToken ct)
    {
        if (rows.Values.Count == 0) return 0;
        if (!_loadDataRefused)
        {
            try
            {
                return await LoadDataAsync(rows, scope, ct);
            }
            catch (MySqlException e) when ((int)e.ErrorCode is NotAllowedCommand or LocalFilesDisabled)
            {
                _loadDataRefused = true; // a failed statement leaves the transaction as it was: go on in it
            }
        }
        return await InsertIgnoreAsync(rows, scope, ct);
    }

    private const int NotAllowedCommand = 1148, LocalFilesDisabled = 3948;

    private static async Task<long> InsertIgnoreAsync(BulkRows rows, WriteScope scope, CancellationToken ct)
    {
        var perStatement = Math.Max(1, 10_000 / rows.Columns.Count);
        long inserted = 0;
        foreach (var part in rows.Values.Chunk(perStatement))
        {
            await using var command = new MySqlCommand
            {
                Connection = (MySqlConnection)scope.Connection, Transaction = (MySqlTransaction)scope.Transaction,
            };
            var sql = new System.Text.StringBuilder($"INSERT IGNORE INTO {rows.Table} ({string.Join(", ", rows.Columns)}) VALUES ");
            for (var r = 0; r < part.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < part[r].Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    command.Parameters.AddWithValue(name, part[r][c]);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            inserted += await command.ExecuteNonQueryAsync(ct);
        }
        return inserted;
    }

    private static async Task<long> LoadDataAsync(BulkRows rows, WriteScope scope, CancellationToken ct)
    {
        // The rows as tab-separated text in memory, streamed by the driver when the server asks for the "file":
        // nothing touches the disk. The server must allow it (local_infile, on by default in MariaDB).
        using var text = new MemoryStream();
        using (var writer = new StreamWriter(text, new System.Text.UTF8Encoding(false), 64 * 1024, leaveOpen: true))
        {
            foreach (var row in rows.Values)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    if (i > 0) writer.Write('\t');
                    WriteField(writer, row[i]);
                }
                writer.Write('\n');
            }
        }
        text.Position = 0;
        var loader = new MySqlBulkLoader((MySqlConnection)scope.Connection)
        {
            SourceStream = text,
            Local = true,
            TableName = rows.Table,
            CharacterSet = "utf8mb4",
            FieldTerminator = "\t",
            LineTerminator = "\n",
            EscapeCharacter = '\\',
        };
        loader.Columns.AddRange(rows.Columns);
        return await loader.LoadAsync(ct);
    }

    private static void WriteField(StreamWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.Write("\\N"); break;
            case long n: writer.Write(n.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case int n: writer.Write(n.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case string t:
                foreach (var c in t)
                {
                    switch (c)
                    {
                        case '\\': writer.Write("\\\\"); break;
                        case '\t': writer.Write("\\t"); break;
                        case '\n': writer.Write("\\n"); break;
                        case '\r': writer.Write("\\r"); break;
                        case '\0': writer.Write("\\0"); break;
                        default: writer.Write(c); break;
                    }
                }
                break;
            default:
                throw new ArgumentException($"A bulk row value must be a long, an int, a string or null, not {value.GetType().Name}.", nameof(value));
        }
    }

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
