using System.Data.Common;
using System.Globalization;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Statements sent to the database in one round trip (a <see cref="DbBatch"/>: MySqlConnector's MySqlBatch) where the provider
/// has batches, one by one otherwise (Microsoft.Data.Sqlite has none, and an embedded database has no round trip to save).
/// The last statement is a SELECT of one number, which <see cref="RunAsync"/> returns.
/// </summary>
internal sealed class SqlStatementBatch
{
    private readonly List<(string Sql, List<(string Name, object Value)> Args)> _statements = [];

    public int Count => _statements.Count;

    /// <summary>Adds a statement; its parameters are named @name in <paramref name="sql"/>, each statement's names its own.</summary>
    public void Add(string sql, params (string Name, object Value)[] args) => _statements.Add((sql, args.ToList()));

    /// <summary>Runs the statements in order in the scope's transaction and returns the number the last one selects.</summary>
    public async Task<long> RunAsync(WriteScope scope, CancellationToken ct)
    {
        if (_statements.Count == 0) throw new InvalidOperationException("A batch needs at least its final SELECT.");
        var connection = scope.Connection;
        // Parameters come from a command: DbBatchCommand.CreateParameter is not implemented by every provider.
        await using var factory = connection.CreateCommand();
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = scope.Transaction;
            foreach (var (sql, args) in _statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = sql;
                foreach (var arg in args) command.Parameters.Add(Parameter(factory, arg));
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(ct);
            object? last = null;
            do
            {
                if (reader.FieldCount > 0 && await reader.ReadAsync(ct)) last = reader.GetValue(0);
            }
            while (await reader.NextResultAsync(ct));
            return Number(last);
        }
        for (var i = 0; i < _statements.Count - 1; i++)
        {
            await using var statement = Command(connection, scope, _statements[i]);
            await statement.ExecuteNonQueryAsync(ct);
        }
        await using var select = Command(connection, scope, _statements[^1]);
        return Number(await select.ExecuteScalarAsync(ct));
    }

    private static DbCommand Command(DbConnection connection, WriteScope scope, (string Sql, List<(string Name, object Value)> Args) statement)
    {
        var command = connection.CreateCommand();
        command.Transaction = scope.Transaction;
        command.CommandText = statement.Sql;
        foreach (var arg in statement.Args) command.Parameters.Add(Parameter(command, arg));
        return command;
    }

    private static DbParameter Parameter(DbCommand factory, (string Name, object Value) arg)
    {
        var parameter = factory.CreateParameter();
        parameter.ParameterName = arg.Name;
        parameter.Value = arg.Value;
        return parameter;
    }

    private static long Number(object? value) =>
        value is null or DBNull
            ? throw new InvalidOperationException("The batch's final SELECT returned no number.")
            : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
