using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// The per-period claim counts (en_user_period_claims) as a group commit writes them and a Redis rebuild reads them: one row per
/// user, template, period kind and period start.
/// </summary>
internal static class SqlPeriodClaims
{
    /// <summary>One user's claims in one period of a batch, with that period's limit.</summary>
    private sealed record Count(long User, string Period, long Start, int Claims, int Limit);

    /// <summary>
    /// Adds a template's claims of a batch to their periods' rows (sorted, after the users' lifetime rows, before the template's
    /// hot row: the database gate's lock order), and to <paramref name="checks"/> the SELECT counting the rows past their limits.
    /// False: a user's claims of this batch alone pass a limit (nothing added; the caller gives the batch up).
    /// </summary>
    public static bool TryAdd(
        SqlDialect dialect, TemplateId template, IReadOnlyCollection<ClaimTicket> tickets, SqlStatementBatch statements, List<string> checks)
    {
        var counts = tickets
            .SelectMany(t => t.Periods.Select(p => (User: t.Coupon.User.Value, p.Code, p.StartMillis, p.Limit)))
            .GroupBy(x => (x.User, x.Code, x.StartMillis))
            .Select(g => new Count(g.Key.User, g.Key.Code, g.Key.StartMillis, g.Count(), g.Max(x => x.Limit)))
            .OrderBy(c => c.User).ThenBy(c => c.Period, StringComparer.Ordinal).ThenBy(c => c.Start)
            .ToList();
        if (counts.Count == 0) return true;
        if (counts.Any(c => c.Claims > c.Limit)) return false;

        var rows = new StringBuilder();
        var args = new List<(string, object)> { ("@t", template.Value) };
        for (var i = 0; i < counts.Count; i++)
        {
            var n = N(i);
            rows.Append(i == 0 ? "" : ", ").Append($"(@u{n}, @t, @p{n}, @s{n}, @c{n})");
            args.Add(("@u" + n, counts[i].User));
            args.Add(("@p" + n, counts[i].Period));
            args.Add(("@s" + n, counts[i].Start));
            args.Add(("@c" + n, counts[i].Claims));
        }
        statements.Add(
            $"INSERT INTO en_user_period_claims (user_id, template_id, period, period_start, claimed) VALUES {rows} " + (dialect == SqlDialect.MySql
                ? "ON DUPLICATE KEY UPDATE claimed = claimed + VALUES(claimed)"
                : "ON CONFLICT (user_id, template_id, period, period_start) DO UPDATE SET claimed = claimed + excluded.claimed"),
            [.. args]);

        // The re-check: one condition per period of the batch (a batch falls in one or two periods of each kind), its users in
        // an IN list. One condition per row instead (hundreds of ORed conjunctions) cost MariaDB about 1.5 ms of CPU per claim.
        // Everything in it is a number but the period's code, one of the fixed codes of ClaimPeriod (letters only).
        var over = new StringBuilder();
        var periods = counts.GroupBy(c => (c.Period, c.Start, c.Limit)).ToList();
        for (var i = 0; i < periods.Count; i++)
        {
            var (period, start, limit) = periods[i].Key;
            if (!period.All(char.IsAsciiLetter)) throw new ArgumentException($"A period code is letters only: {period}", nameof(tickets));
            over.Append(i == 0 ? "" : " OR ").Append($"(period = '{period}' AND period_start = {N(start)} AND claimed > {N(limit)} AND user_id IN (")
                .AppendJoin(", ", periods[i].Select(c => c.User).Distinct().Select(N)).Append("))");
        }
        checks.Add($"SELECT COUNT(*) FROM en_user_period_claims WHERE template_id = {N(template.Value)} AND ({over})");
        return true;
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every user's claims of a template in one period, to rebuild a cache from.</summary>
    public static async Task<IReadOnlyList<(long User, int Claimed)>> CountsAsync(
        IDatabase db, TemplateId template, ClaimPeriod period, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long, int)>(new CommandDefinition(
            "SELECT user_id, claimed FROM en_user_period_claims WHERE template_id = @Template AND period = @Period AND period_start = @Start",
            new { Template = template.Value, Period = period.Code, Start = period.StartMillis }, cancellationToken: ct));
        return rows.ToList();
    }
}
