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
/// </summary>
internal sealed class PrefixedSqliteConnection(string connectionString) : SqliteConnection(connectionString)
{
    public override SqliteCommand CreateCommand() =>
        new PrefixedSqliteCommand { Connection = this, CommandTimeout = DefaultTimeout, Transaction = Transaction };

    private sealed class PrefixedSqliteCommand : SqliteCommand
    {
        public override SqliteParameter CreateParameter() => new PrefixedSqliteParameter();
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
