using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Writes a batch of granted claims as multi-row statements in one transaction, re-checking in the same
/// transaction that no template passes its stock, no user its limit (lifetime or per period) and every user is in the
/// template's audience (when it has one). The statements and the re-check go to the database as one batch
/// (<see cref="SqlStatementBatch"/>: one round trip on MariaDB): every counter is added to unconditionally and one final
/// SELECT counts the rows past their limits and the users outside their audience; any count refuses the batch and the
/// transaction is rolled back, so nothing of it stays. The outbox's rows (its own port) and the commit follow.
/// </summary>
internal sealed class SqlClaimLedger(IDatabase db, IOutbox outbox) : IClaimLedger
{
    public Task<bool> TryRecordAllAsync(IReadOnlyList<ClaimTicket> batch, CancellationToken ct) => db.WriteWithRetryAsync(async scope =>
    {
        var statements = new SqlStatementBatch();
        var checks = new List<string>();
        AddRequests(batch, statements);
        foreach (var sql in SqlUserCoupons.InsertStatements(batch.Select(t => t.Coupon).ToList())) statements.Add(sql);

        // Rows are locked in the database gate's order, users (sorted) before the template's hot row, so the
        // one-by-one fallback never deadlocks against a batch. Stock and limits only rise: the largest seen counts.
        foreach (var template in batch.GroupBy(t => t.Template.Id).OrderBy(g => g.Key.Value))
        {
            var count = template.Count();
            var stock = template.Max(t => t.Template.Stock);
            var limit = template.Max(t => t.Template.PerUserLimit);
            var perUser = template.GroupBy(t => t.Coupon.User.Value).Select(u => (User: u.Key, Count: u.Count())).OrderBy(u => u.User).ToList();
            if (count > stock || perUser.Any(u => u.Count > limit)) return false;

            AddUserCounts("en_user_template_claims", "template_id", template.Key.Value, perUser, statements);
            checks.Add($"SELECT COUNT(*) FROM en_user_template_claims WHERE template_id = {N(template.Key.Value)} " +
                $"AND user_id IN ({string.Join(", ", perUser.Select(u => N(u.User)))}) AND claimed > {N(limit)}");
            if (!SqlPeriodClaims.TryAdd(db.Dialect, template.Key, template.ToList(), statements, checks)) return false;
            statements.Add(db.Dialect == SqlDialect.MySql
                ? "INSERT INTO en_template_issuance (template_id, issued) VALUES (@Template, @Count) " +
                  "ON DUPLICATE KEY UPDATE issued = issued + VALUES(issued)"
                : "INSERT INTO en_template_issuance (template_id, issued) VALUES (@Template, @Count) " +
                  "ON CONFLICT (template_id) DO UPDATE SET issued = issued + excluded.issued",
                ("@Template", template.Key.Value), ("@Count", count));
            checks.Add($"SELECT COUNT(*) FROM en_template_issuance WHERE template_id = {N(template.Key.Value)} AND issued > {N(stock)}");
            // Audiences (docs/audiences.md): Redis's copy may lag a removal, so the batch's users are checked in the members'
            // table, in the final check's round trip: one who is not in fails the batch, then decided claim by claim.
            if (template.First().Template is { Audience: { } audience } terms)
                checks.Add(SqlAudiences.StrangersAmongSql(audience, terms.Merchant, perUser.Select(u => u.User).ToList()));
        }
        if (!AddCampaignClaims(batch, statements, checks)) return false;
        statements.Add("SELECT " + string.Join(" + ", checks.Select(c => $"({c})")));
        try
        {
            if (await statements.RunAsync(scope, ct) > 0) return false; // a row past its limit: rolled back
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return false; // a repeated key: decided one by one
        }
        // The outbox's schedule keys fold the batch's timers into one per second of deadlines.
        await outbox.AddAsync(batch.SelectMany(t => InTraceOf(t, () => CouponEvents.Claimed(t.Coupon, CouponSources.Claim, null))).ToList(),
            scope, ct);
        await scope.CommitAsync(ct);
        return true;
    }, ct);

    /// <summary>
    /// Counts the batch's claims under their campaigns' per-user limits (over all of a campaign's templates, whatever hash tag
    /// each has in Redis; one multi-row upsert per campaign, not one statement per user), with the re-check that none passes: false when a user's claims of this batch alone would, and the
    /// batch is then decided claim by claim.
    /// </summary>
    private bool AddCampaignClaims(IReadOnlyList<ClaimTicket> batch, SqlStatementBatch statements, List<string> checks)
    {
        var limited = batch.Where(t => t.Template.BudgetTerms is { CampaignId: not null, CampaignPerUserLimit: not null })
            .GroupBy(t => t.Template.BudgetTerms.CampaignId!.Value).OrderBy(g => g.Key);
        foreach (var campaign in limited)
        {
            var limit = campaign.Max(t => t.Template.BudgetTerms.CampaignPerUserLimit!.Value);
            var users = campaign.GroupBy(t => t.Coupon.User.Value).Select(u => (User: u.Key, Count: u.Count())).OrderBy(u => u.User).ToList();
            if (users.Any(u => u.Count > limit)) return false;
            AddUserCounts("en_user_campaign_claims", "campaign_id", campaign.Key, users, statements);
            checks.Add($"SELECT COUNT(*) FROM en_user_campaign_claims WHERE campaign_id = {N(campaign.Key)} " +
                $"AND user_id IN ({string.Join(", ", users.Select(u => N(u.User)))}) AND claimed > {N(limit)}");
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

    /// <summary>
    /// Adds each user's claims to their counter of the template or campaign (<paramref name="table"/> keyed by user and
    /// <paramref name="column"/>): one multi-row upsert, the users in id order (the lock order).
    /// </summary>
    private void AddUserCounts(string table, string column, long key, List<(long User, int Count)> perUser, SqlStatementBatch statements)
    {
        var args = new List<(string, object)> { ("@t", key) };
        for (var i = 0; i < perUser.Count; i++)
        {
            args.Add(("@u" + I(i), perUser[i].User));
            args.Add(("@c" + I(i), perUser[i].Count));
        }
        var values = Rows(perUser.Count, i => $"(@u{i}, @t, @c{i})");
        statements.Add($"INSERT INTO {table} (user_id, {column}, claimed) VALUES {values} " + (db.Dialect == SqlDialect.MySql
                ? "ON DUPLICATE KEY UPDATE claimed = claimed + VALUES(claimed)"
                : $"ON CONFLICT (user_id, {column}) DO UPDATE SET claimed = claimed + excluded.claimed"), [.. args]);
    }

    private static void AddRequests(IReadOnlyList<ClaimTicket> batch, SqlStatementBatch statements)
    {
        var args = new List<(string, object)>(batch.Count * 5);
        for (var i = 0; i < batch.Count; i++)
        {
            var c = batch[i].Coupon;
            args.Add(("@u" + I(i), c.User.Value));
            args.Add(("@k" + I(i), batch[i].Key.Value));
            args.Add(("@t" + I(i), c.Template.Value));
            args.Add(("@c" + I(i), c.Id.Value));
            args.Add(("@a" + I(i), UtcMillis.From(c.ClaimedAt)));
        }
        statements.Add("INSERT INTO en_claim_requests (user_id, idempotency_key, template_id, user_coupon_id, created_at) VALUES " +
            Rows(batch.Count, i => $"(@u{i}, @k{i}, @t{i}, @c{i}, @a{i})"), [.. args]);
    }

    /// <summary>A number written into SQL text (ids and limits of the re-check: numbers only, never the caller's text).</summary>
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Rows(int count, Func<string, string> row)
    {
        var sql = new StringBuilder();
        for (var i = 0; i < count; i++) sql.Append(i == 0 ? "" : ", ").Append(row(I(i)));
        return sql.ToString();
    }

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);
}
