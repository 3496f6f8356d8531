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
    /// Counts a template's claims of a batch into their periods' rows (sorted, after the users' lifetime rows, before the template's
    /// hot row: the database gate's lock order) and checks none passes its limit. False: a row would; nothing is kept (the caller
    /// rolls back).
    /// </summary>
    public static async Task<bool> TryAddAsync(
        SqlDialect dialect, TemplateId template, IReadOnlyCollection<ClaimTicket> tickets, WriteScope scope, CancellationToken ct)
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
        var args = new DynamicParameters(new { t = template.Value });
        for (var i = 0; i < counts.Count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            rows.Append(i == 0 ? "" : ", ").Append($"(@u{n}, @t, @p{n}, @s{n}, @c{n})");
            args.Add("u" + n, counts[i].User);
            args.Add("p" + n, counts[i].Period);
            args.Add("s" + n, counts[i].Start);
            args.Add("c" + n, counts[i].Claims);
        }
        // The re-check: one condition per period of the batch (a batch falls in one or two periods of each kind), its users in
        // an IN list. One condition per row instead (hundreds of ORed conjunctions) cost MariaDB about 1.5 ms of CPU per claim.
        var over = new StringBuilder();
        var periods = counts.GroupBy(c => (c.Period, c.Start, c.Limit)).ToList();
        for (var i = 0; i < periods.Count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            over.Append(i == 0 ? "" : " OR ").Append($"(period = @gp{n} AND period_start = @gs{n} AND claimed > @gl{n} AND user_id IN @gu{n})");
            args.Add("gp" + n, periods[i].Key.Period);
            args.Add("gs" + n, periods[i].Key.Start);
            args.Add("gl" + n, periods[i].Key.Limit);
            args.Add("gu" + n, periods[i].Select(c => c.User).Distinct().ToArray());
        }
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO en_user_period_claims (user_id, template_id, period, period_start, claimed) VALUES {rows} " + (dialect == SqlDialect.MySql
                ? "ON DUPLICATE KEY UPDATE claimed = claimed + VALUES(claimed)"
                : "ON CONFLICT (user_id, template_id, period, period_start) DO UPDATE SET claimed = claimed + excluded.claimed"),
            args, scope.Transaction, cancellationToken: ct));
        var broken = await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM en_user_period_claims WHERE template_id = @t AND ({over})", args, scope.Transaction, cancellationToken: ct));
        return broken == 0;
    }

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
