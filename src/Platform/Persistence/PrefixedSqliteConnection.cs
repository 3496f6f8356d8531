using System.Data;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;

namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// The embedded store's connection: a <see cref="SqliteConnection"/> whose commands name their parameters as the SQL does
/// (<c>@name</c>). Dapper names a parameter without its prefix (<c>Id</c> for <c>@Id</c>), and Microsoft.Data.Sqlite then looks
/// the bare name up in the statement, and after it each of <c>@</c>, <c>$</c> and <c>:</c> with it (all three, to report an
/// ambiguous name): four walks of the statement's list of names per parameter instead of half of one, each name compared with
/// <c>strncmp</c>. A statement of many parameters (a multi-row insert: the relay's deliveries, the clearing journal) paid for that
/// the square of its parameters, seven times over; on the SQLite claim path it was the largest single item of the engine's CPU
/// (docs/benchmarks.md, "h20-sqlite3"). Names that already carry a prefix are kept, so <c>$name</c> and <c>:name</c> still bind.
/// A statement of many parameters run in a transaction is numbered and bound by number instead (<see cref="NumberedSqliteStatement"/>):
/// SQLite's own walk of the names, while parsing and binding, was what was left of that cost (docs/benchmarks.md, "h20-sqlite4").
/// </summary>
internal sealed class PrefixedSqliteConnection(string connectionString) : SqliteConnection(connectionString)
{
    public override SqliteCommand CreateCommand() =>
        new PrefixedSqliteCommand { Connection = this, CommandTimeout = DefaultTimeout, Transaction = Transaction };

    private sealed class PrefixedSqliteCommand : SqliteCommand
    {
        /// <summary>From this many parameters a statement in a transaction is run numbered (<see cref="NumberedSqliteStatement"/>).</summary>
        private const int NumberedFrom = 16;

        public override SqliteParameter CreateParameter() => new PrefixedSqliteParameter();

        // Dapper's ExecuteAsync comes here too (DbCommand.ExecuteNonQueryAsync runs ExecuteNonQuery).
        public override int ExecuteNonQuery() =>
            Parameters.Count >= NumberedFrom && DataReader is null
            && Connection is PrefixedSqliteConnection { State: ConnectionState.Open, Handle: { } handle } connection
            && Transaction is not null && Transaction == connection.Transaction
            && NumberedSqliteStatement.TryRun(handle, CommandText, Parameters) is { } changed
                ? changed
                : base.ExecuteNonQuery();
    }

    private sealed class PrefixedSqliteParameter : SqliteParameter
    {
        [AllowNull]
        public override string ParameterName
        {
            get => base.ParameterName;
            set => base.ParameterName = value is [not ('@' or '$' or ':'), ..] ? "@" + value : value;
        }
    }
}
