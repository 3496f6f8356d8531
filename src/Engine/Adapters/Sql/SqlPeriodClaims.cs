using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// The per-period claim counts (en_user_period_counts, Engine V1_114) as the claim gates write them and a Redis rebuild reads them:
/// one row per user and template holding, for each kind (day, week, month), the start of the period it counts and the claims in
/// it. A claim in a later period than the row's resets that kind's count in the same upsert; one in an earlier period (a clock
/// behind another instance's, at a boundary) is not counted and its re-check refuses it, since the ended period's count is gone.
/// </summary>
internal static class SqlPeriodClaims
{
    /// <summary>
    /// Adds a template's claims of a batch to their users' rows (sorted by user, after the users' lifetime rows, before the
    /// template's hot row: the database gate's lock order), and to <paramref name="checks"/> the SELECT counting the rows past
    /// a limit or in another period. False when the batch cannot be written so (nothing added; the caller gives the batch up and
    /// decides it claim by claim): a user's claims of this batch alone pass a limit, a user's claims fall in two periods of a
    /// kind (the batch straddles a boundary), or the template's limited kinds changed within the batch.
    /// </summary>
    public static bool TryAdd(
        SqlDialect dialect, TemplateId template, IReadOnlyCollection<ClaimTicket> tickets, SqlStatementBatch statements, List<string> checks)
    {
        var limited = tickets.Where(t => t.Periods.Count > 0).ToList();
        if (limited.Count == 0) return true;
        var kinds = limited[0].Periods.Select(p => p.Kind).ToList();
        if (limited.Any(t => !t.Periods.Select(p => p.Kind).SequenceEqual(kinds))) return false;

        var users = limited.GroupBy(t => t.Coupon.User.Value)
            .Select(u => (User: u.Key, Claims: u.Count(), Starts: u.Select(t => Starts(t.Periods)).Distinct().ToList(), Periods: u.First().Periods))
            .OrderBy(u => u.User)
            .ToList();
        if (users.Any(u => u.Starts.Count > 1)) return false;
        // Stock and limits only rise: the largest seen counts (as for the lifetime limit).
        var limits = kinds.Select(k => limited.Max(t => t.Periods.First(p => p.Kind == k).Limit)).ToList();
        if (users.Any(u => u.Claims > limits.Min())) return false;

        var args = new List<(string, object)> { ("@t", template.Value) };
        for (var i = 0; i < users.Count; i++)
            AddRow(args, I(i), users[i].User, users[i].Claims, users[i].Periods);
        statements.Add(Upsert(dialect, kinds, users.Count), [.. args]);

        // The re-check: one condition per set of period starts in the batch (one, or two across a boundary), its users in an IN
        // list. One condition per row instead (hundreds of ORed conjunctions) cost MariaDB about 1.5 ms of CPU per claim.
        var over = new StringBuilder();
        foreach (var (periods, i) in users.GroupBy(u => u.Starts[0]).Select((g, i) => (g, i)))
        {
            over.Append(i == 0 ? "" : " OR ").Append("(user_id IN (").AppendJoin(", ", periods.Select(u => N(u.User))).Append(") AND (");
            var starts = periods.First().Periods;
            for (var k = 0; k < kinds.Count; k++)
            {
                var (start, claimed) = Columns(kinds[k]);
                over.Append(k == 0 ? "" : " OR ").Append($"{start} <> {N(starts[k].StartMillis)} OR {claimed} > {N(limits[k])}");
            }
            over.Append("))");
        }
        checks.Add($"SELECT COUNT(*) FROM en_user_period_counts WHERE template_id = {N(template.Value)} AND ({over})");
        return true;
    }

    /// <summary>
    /// Counts one claim in its user's row, in the caller's transaction, and reads the row back: the first of the claim's periods
    /// past its limit (or already replaced by a later period), or null when every one holds it. A refusal leaves the count for
    /// the caller to roll back, with the rest of the claim.
    /// </summary>
    public static async Task<ClaimPeriod?> CountOneAsync(SqlDialect dialect, ClaimTicket ticket, WriteScope scope, CancellationToken ct)
    {
        var kinds = ticket.Periods.Select(p => p.Kind).ToList();
        var args = new List<(string, object)> { ("@t", ticket.Coupon.Template.Value) };
        AddRow(args, "0", ticket.Coupon.User.Value, 1, ticket.Periods);
        var parameters = new DynamicParameters();
        foreach (var (name, value) in args) parameters.Add(name, value);
        await scope.Connection.ExecuteAsync(new CommandDefinition(Upsert(dialect, kinds, 1), parameters, scope.Transaction, cancellationToken: ct));
        var row = await scope.Connection.QuerySingleAsync<Row>(new CommandDefinition(
            "SELECT day_start, day_claimed, week_start, week_claimed, month_start, month_claimed FROM en_user_period_counts " +
            "WHERE user_id = @User AND template_id = @Template",
            new { User = ticket.Coupon.User.Value, Template = ticket.Coupon.Template.Value }, scope.Transaction, cancellationToken: ct));
        return ticket.Periods.FirstOrDefault(p => row.Start(p.Kind) != p.StartMillis || row.Claimed(p.Kind) > p.Limit);
    }

    /// <summary>Every user's claims of a template in one period, to rebuild a cache from.</summary>
    public static async Task<IReadOnlyList<(long User, int Claimed)>> CountsAsync(
        IDatabase db, TemplateId template, ClaimPeriod period, CancellationToken ct)
    {
        var (start, claimed) = Columns(period.Kind);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long, int)>(new CommandDefinition(
            $"SELECT user_id, {claimed} FROM en_user_period_counts WHERE template_id = @Template AND {start} = @Start",
            new { Template = template.Value, Start = period.StartMillis }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>A row's values: the user, its claims (counted in each of the kinds), each kind's period start, the latest start.</summary>
    private static void AddRow(List<(string, object)> args, string n, long user, int claims, IReadOnlyList<ClaimPeriod> periods)
    {
        args.Add(("@u" + n, user));
        args.Add(("@c" + n, claims));
        for (var k = 0; k < periods.Count; k++) args.Add(($"@s{n}_{I(k)}", periods[k].StartMillis));
        args.Add(("@l" + n, periods.Max(p => p.StartMillis)));
    }

    /// <summary>
    /// The upsert of <paramref name="rows"/> users' rows counting their claims in <paramref name="kinds"/> (the other kinds' columns
    /// left as they are): a kind's count is added to when the row holds the same period, started over when the claim's period is
    /// later, and left when it is earlier. MariaDB assigns left to right with the new values, so each count is set before its start.
    /// </summary>
    private static string Upsert(SqlDialect dialect, IReadOnlyList<PeriodKind> kinds, int rows)
    {
        var columns = new StringBuilder("user_id, template_id");
        foreach (var kind in kinds) columns.Append($", {Columns(kind).Start}, {Columns(kind).Claimed}");
        var values = new StringBuilder();
        for (var i = 0; i < rows; i++)
        {
            var n = I(i);
            values.Append(i == 0 ? "(" : ", (").Append($"@u{n}, @t");
            for (var k = 0; k < kinds.Count; k++) values.Append($", @s{n}_{I(k)}, @c{n}");
            values.Append($", @l{n})");
        }
        var mySql = dialect == SqlDialect.MySql;
        string New(string column) => mySql ? $"VALUES({column})" : $"excluded.{column}";
        var greatest = mySql ? "GREATEST" : "MAX";
        var set = new StringBuilder();
        foreach (var kind in kinds)
        {
            var (start, claimed) = Columns(kind);
            set.Append($"{claimed} = CASE WHEN {New(start)} > {start} THEN {New(claimed)} ")
                .Append($"WHEN {New(start)} = {start} THEN {claimed} + {New(claimed)} ELSE {claimed} END, ")
                .Append($"{start} = {greatest}({start}, {New(start)}), ");
        }
        set.Append($"latest_start = {greatest}(latest_start, {New("latest_start")})");
        return $"INSERT INTO en_user_period_counts ({columns}, latest_start) VALUES {values} " + (mySql
            ? $"ON DUPLICATE KEY UPDATE {set}"
            : $"ON CONFLICT (user_id, template_id) DO UPDATE SET {set}");
    }

    private static (string Start, string Claimed) Columns(PeriodKind kind) => kind switch
    {
        PeriodKind.Day => ("day_start", "day_claimed"),
        PeriodKind.Week => ("week_start", "week_claimed"),
        _ => ("month_start", "month_claimed"),
    };

    /// <summary>The period starts of a claim, one per limited kind, as one comparable value.</summary>
    private static string Starts(IReadOnlyList<ClaimPeriod> periods) => string.Join(",", periods.Select(p => N(p.StartMillis)));

    /// <summary>A number written into SQL text (ids, starts and limits of the re-check: numbers only, never the caller's text).</summary>
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);

    private sealed class Row
    {
        public long DayStart { get; init; }
        public int DayClaimed { get; init; }
        public long WeekStart { get; init; }
        public int WeekClaimed { get; init; }
        public long MonthStart { get; init; }
        public int MonthClaimed { get; init; }

        public long Start(PeriodKind kind) => kind switch
        {
            PeriodKind.Day => DayStart,
            PeriodKind.Week => WeekStart,
            _ => MonthStart,
        };

        public int Claimed(PeriodKind kind) => kind switch
        {
            PeriodKind.Day => DayClaimed,
            PeriodKind.Week => WeekClaimed,
            _ => MonthClaimed,
        };
    }
}
