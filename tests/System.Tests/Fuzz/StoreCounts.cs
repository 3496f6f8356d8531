using System.Data.Common;
using Dapper;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>
/// Row counts of the business tables (every module's tables; not the messaging tables, the host's leases or the migration
/// history, which the relay, the consumers and the lease renewal change on their own), read in one statement of the
/// embedded SQLite store. A refused request must leave them as they were.
/// </summary>
internal sealed class StoreCounts
{
    private readonly IDatabase _db;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyList<string> _tables;
    private readonly string _sql;

    private StoreCounts(IDatabase db, TimeProvider clock, IReadOnlyList<string> tables)
    {
        (_db, _clock, _tables) = (db, clock, tables);
        // Counted together with what is still in flight, so the counts and the quiet test are one consistent read.
        _sql = "SELECT " +
            "(SELECT COUNT(*) FROM msg_outbox WHERE next_attempt_at <= @Now) AS q_outbox, " +
            "(SELECT COUNT(*) FROM msg_deliveries WHERE next_attempt_at <= @Now) AS q_deliveries, " +
            "(SELECT COUNT(*) FROM di_tasks WHERE status = 'RUNNING' OR (status = 'SCHEDULED' AND (import_state = 'PENDING' OR start_at <= @Now)))" +
                " AS q_distribution" +
            string.Concat(tables.Select(t => $", (SELECT COUNT(*) FROM \"{t}\") AS \"t_{t}\""));
    }

    public IReadOnlyList<string> Tables => _tables;

    public static async Task<StoreCounts> OpenAsync(IDatabase db, TimeProvider clock)
    {
        if (db.Dialect != SqlDialect.Sqlite) throw new NotSupportedException("The fuzz test counts rows on the embedded SQLite store.");
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var tables = (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE 'msg!_%' ESCAPE '!' " +
            "AND name NOT LIKE 'host!_%' ESCAPE '!' AND name NOT LIKE 'changelog%' ORDER BY name")).ToList();
        return new StoreCounts(db, clock, tables);
    }

    /// <summary>The counts now, whatever is in flight.</summary>
    public async Task<Snapshot> ReadAsync()
    {
        await using var connection = await _db.OpenAsync(CancellationToken.None);
        return await ReadAsync(connection);
    }

    /// <summary>
    /// The counts once nothing is in flight: no outbox row or delivery due, no distribution task importing or running.
    /// An accepted request may have started work in the background; refusals are compared with what stands after it.
    /// </summary>
    public async Task<Snapshot> QuietAsync(TimeSpan patience)
    {
        await using var connection = await _db.OpenAsync(CancellationToken.None);
        return await Eventually(() => ReadAsync(connection), snapshot => snapshot.InFlight == 0, patience,
            "the store to be quiet (no outbox row, delivery or distribution task in flight)", every: TimeSpan.FromMilliseconds(5));
    }

    private async Task<Snapshot> ReadAsync(DbConnection connection)
    {
        var row = (IDictionary<string, object>)await connection.QuerySingleAsync(_sql, new { Now = UtcMillis.From(_clock.GetUtcNow()) });
        var counts = _tables.ToDictionary(t => t, t => Convert.ToInt64(row["t_" + t]));
        var inFlight = Convert.ToInt64(row["q_outbox"]) + Convert.ToInt64(row["q_deliveries"]) + Convert.ToInt64(row["q_distribution"]);
        return new Snapshot(counts, inFlight);
    }

    public sealed record Snapshot(IReadOnlyDictionary<string, long> Counts, long InFlight)
    {
        /// <summary>The tables whose counts differ from <paramref name="before"/>, e.g. <c>st_quotes +1</c>; empty when none.</summary>
        public string ChangesSince(Snapshot before) => string.Join(", ", Counts
            .Where(c => before.Counts.GetValueOrDefault(c.Key) != c.Value)
            .Select(c => $"{c.Key} {c.Value - before.Counts.GetValueOrDefault(c.Key):+#;-#}"));
    }
}
