using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Writes a batch of granted claims as multi-row statements in one transaction, re-checking in the same
/// transaction that no template passes its stock and no user its limit (lifetime or per period).
/// </summary>
internal sealed class SqlClaimLedger(IDatabase db, IUserCoupons coupons, IOutbox outbox, IAudiences audiences) : IClaimLedger
{
    public Task<bool> TryRecordAllAsync(IReadOnlyList<ClaimTicket> batch, CancellationToken ct) => db.WriteWithRetryAsync(async scope =>
    {
        try
        {
            await InsertRequestsAsync(batch, scope, ct);
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return false; // a repeated key: decided one by one
        }
        await InsertCouponsAsync(batch, scope, ct);

        // Rows are locked in the database gate's order, users (sorted) before the template's hot row, so the
        // one-by-one fallback never deadlocks against a batch. Stock and limits only rise: the largest seen counts.
        foreach (var template in batch.GroupBy(t => t.Template.Id).OrderBy(g => g.Key.Value))
        {
            var count = template.Count();
            var stock = template.Max(t => t.Template.Stock);
            var limit = template.Max(t => t.Template.PerUserLimit);
            var perUser = template.GroupBy(t => t.Coupon.User.Value).Select(u => (User: u.Key, Count: u.Count())).OrderBy(u => u.User).ToList();
            if (count > stock || perUser.Any(u => u.Count > limit)) return false;
            if (!await AllInAudienceAsync(template.First().Template, perUser.Select(u => u.User).ToList(), scope, ct)) return false;

            await AddUserClaimsAsync(template.Key, perUser, scope, ct);
            var over = await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM en_user_template_claims WHERE template_id = @Template AND user_id IN @Users AND claimed > @Limit",
                new { Template = template.Key.Value, Users = perUser.Select(u => u.User).ToArray(), Limit = limit },
                scope.Transaction, cancellationToken: ct));
            if (over > 0) return false;
            if (!await SqlPeriodClaims.TryAddAsync(db.Dialect, template.Key, template.ToList(), scope, ct)) return false;
            if (await AddIssuedAsync(template.Key, count, stock, scope, ct) == 0) return false;
        }
        if (!await CampaignsWithinLimitsAsync(batch, scope, ct)) return false;
        // The outbox's schedule keys fold the batch's timers into one per second of deadlines.
        await outbox.AddAsync(batch.SelectMany(t => InTraceOf(t, () => CouponEvents.Claimed(t.Coupon, CouponSources.Claim, null))).ToList(),
            scope, ct);
        await scope.CommitAsync(ct);
        return true;
    }, ct);

    /// <summary>
    /// Counts the batch's claims under their campaigns' per-user limits (over all of a campaign's templates, whatever hash tag
    /// each has in Redis): false when a user would pass one, and the batch is then decided claim by claim.
    /// </summary>
    private async Task<bool> CampaignsWithinLimitsAsync(IReadOnlyList<ClaimTicket> batch, WriteScope scope, CancellationToken ct)
    {
        var limited = batch.Where(t => t.Template.BudgetTerms is { CampaignId: not null, CampaignPerUserLimit: not null })
            .GroupBy(t => t.Template.BudgetTerms.CampaignId!.Value).OrderBy(g => g.Key);
        foreach (var campaign in limited)
        {
            var limit = campaign.Max(t => t.Template.BudgetTerms.CampaignPerUserLimit!.Value);
            foreach (var user in campaign.GroupBy(t => t.Coupon.User.Value).OrderBy(u => u.Key))
            {
                var count = user.Count();
                var sql = (db.Dialect == SqlDialect.MySql
                    ? "INSERT INTO en_user_campaign_claims (user_id, campaign_id, claimed) VALUES (@User, @Campaign, @Count) " +
                      "ON DUPLICATE KEY UPDATE claimed = IF(claimed + @Count <= @Limit, claimed + @Count, claimed)"
                    : "INSERT INTO en_user_campaign_claims (user_id, campaign_id, claimed) VALUES (@User, @Campaign, @Count) " +
                      "ON CONFLICT (user_id, campaign_id) DO UPDATE SET claimed = claimed + excluded.claimed WHERE claimed + excluded.claimed <= @Limit");
                if (count > limit || await scope.Connection.ExecuteAsync(new CommandDefinition(sql,
                    new { User = user.Key, Campaign = campaign.Key, Count = count, Limit = limit }, scope.Transaction, cancellationToken: ct)) == 0)
                    return false;
            }
        }
        return true;
    }

    /// <summary>Each claim's events in its own request's trace (their envelopes take the current span's context).</summary>
    internal static T InTraceOf<T>(ClaimTicket ticket, Func<T> record)
    {
        var current = Activity.Current;
        if (ticket.Trace is { IsStopped: false } trace) Activity.Current = trace;
        try
        {
            return record();
        }
        finally
        {
            Activity.Current = current;
        }
    }

    /// <summary>
    /// Audiences (docs/audiences.md): Redis's copy of an audience may lag a removal, so every user of the batch is checked in the
    /// members' table; one who left fails the batch, which is then decided claim by claim by the database gate.
    /// </summary>
    private async Task<bool> AllInAudienceAsync(
        Contracts.MerchantAdmin.CouponTemplateSnapshot template, List<long> users, WriteScope scope, CancellationToken ct) =>
        template.Audience is not { } audience
        || (await audiences.MembersAmongAsync(audience, template.Merchant, users, scope, ct)).Count == users.Count;

    public async Task<ClaimCounts> CountsAsync(TemplateId template, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var issued = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT issued FROM en_template_issuance WHERE template_id = @Template", new { Template = template.Value }, cancellationToken: ct)) ?? 0;
        var perUser = await connection.QueryAsync<(long, int)>(new CommandDefinition(
            "SELECT user_id, claimed FROM en_user_template_claims WHERE template_id = @Template",
            new { Template = template.Value }, cancellationToken: ct));
        return new ClaimCounts(issued, perUser.ToList());
    }

    public Task<IReadOnlyList<(long User, int Claimed)>> PeriodCountsAsync(TemplateId template, ClaimPeriod period, CancellationToken ct) =>
        SqlPeriodClaims.CountsAsync(db, template, period, ct);

    private Task<int> AddIssuedAsync(TemplateId template, int count, long stock, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(db.Dialect == SqlDialect.MySql
            ? "INSERT INTO en_template_issuance (template_id, issued) VALUES (@Template, @Count) " +
              "ON DUPLICATE KEY UPDATE issued = IF(issued + @Count <= @Stock, issued + @Count, issued)"
            : "INSERT INTO en_template_issuance (template_id, issued) VALUES (@Template, @Count) " +
              "ON CONFLICT (template_id) DO UPDATE SET issued = issued + excluded.issued WHERE issued + excluded.issued <= @Stock",
            new { Template = template.Value, Count = count, Stock = stock }, scope.Transaction, cancellationToken: ct));

    private Task AddUserClaimsAsync(TemplateId template, List<(long User, int Count)> perUser, WriteScope scope, CancellationToken ct)
    {
        var values = Rows(perUser.Count, i => $"(@u{i}, @t, @c{i})");
        var args = new DynamicParameters(new { t = template.Value });
        for (var i = 0; i < perUser.Count; i++)
        {
            args.Add("u" + I(i), perUser[i].User);
            args.Add("c" + I(i), perUser[i].Count);
        }
        var sql = $"INSERT INTO en_user_template_claims (user_id, template_id, claimed) VALUES {values} " + (db.Dialect == SqlDialect.MySql
            ? "ON DUPLICATE KEY UPDATE claimed = claimed + VALUES(claimed)"
            : "ON CONFLICT (user_id, template_id) DO UPDATE SET claimed = claimed + excluded.claimed");
        return scope.Connection.ExecuteAsync(new CommandDefinition(sql, args, scope.Transaction, cancellationToken: ct));
    }

    private static Task InsertRequestsAsync(IReadOnlyList<ClaimTicket> batch, WriteScope scope, CancellationToken ct)
    {
        var args = new DynamicParameters();
        for (var i = 0; i < batch.Count; i++)
        {
            var c = batch[i].Coupon;
            args.Add("u" + I(i), c.User.Value);
            args.Add("k" + I(i), batch[i].Key.Value);
            args.Add("t" + I(i), c.Template.Value);
            args.Add("c" + I(i), c.Id.Value);
            args.Add("a" + I(i), UtcMillis.From(c.ClaimedAt));
        }
        return scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO en_claim_requests (user_id, idempotency_key, template_id, user_coupon_id, created_at) VALUES " +
            Rows(batch.Count, i => $"(@u{i}, @k{i}, @t{i}, @c{i}, @a{i})"), args, scope.Transaction, cancellationToken: ct));
    }

    private Task InsertCouponsAsync(IReadOnlyList<ClaimTicket> batch, WriteScope scope, CancellationToken ct) =>
        batch.Count == 1 ? coupons.AddAsync(batch[0].Coupon, scope, ct) : coupons.AddAllAsync(batch.Select(t => t.Coupon).ToList(), scope, ct);

    private static string Rows(int count, Func<string, string> row)
    {
        var sql = new StringBuilder();
        for (var i = 0; i < count; i++) sql.Append(i == 0 ? "" : ", ").Append(row(I(i)));
        return sql.ToString();
    }

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
