using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Distribution;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Issues a distribution batch inside the caller's transaction. The counters are locked before they are read
/// (existing users' rows FOR UPDATE, new users' rows inserted, then the template's hot row), so the decision
/// made on them is exact and concurrent claims wait rather than interleave: never read-then-write. Locks are
/// taken in the claim gates' order, users (sorted) before the hot row, so a batch never deadlocks against claims.
/// </summary>
internal sealed partial class SqlCouponDistribution(IDatabase db, ICouponTemplateCatalog catalog, IUserCoupons coupons, IOutbox outbox,
    IClaimCounterCache cache, IdGenerator ids, TimeProvider clock) : ICouponDistribution
{
    /// <summary>Rows per statement: keeps each statement well under packet and variable limits on both dialects.</summary>
    internal const int RowsPerStatement = 1000;
    private const string Savepoint = "coupon_distribution";

    private bool MySql => db.Dialect == SqlDialect.MySql;

    public async Task<IIssuedCoupons> IssueAsync(DistributionRequest request, WriteScope scope, CancellationToken ct)
    {
        var recipients = request.Recipients;
        if (recipients.Select(r => r.Value).Distinct().Count() != recipients.Count)
            throw new ArgumentException("The recipients of one distribution batch must be distinct.", nameof(request));
        var now = UtcMillis.Now(clock);
        var template = await catalog.FindAsync(request.Template, ct);
        var closed = DistributionDecider.WindowRefusal(template, request.Merchant, now);
        if (closed != DistributionRefusal.None || recipients.Count == 0) return Refused(recipients, closed);

        // Stock never falls and issued never falls: a template seen sold out stays sold out, no lock needed.
        var issuedSeen = await IssuedAsync(template!.Id, scope, locking: false, ct);
        if (issuedSeen >= template.Stock) return Refused(recipients, DistributionRefusal.OutOfStock);

        var version = await cache.VersionAsync(template.Id, ct);
        var sorted = recipients.Select(r => r.Value).Order().ToArray();
        var claimed = await LockClaimsAsync(template.Id, sorted, scope, ct);
        var atCampaignLimit = await LockCampaignClaimsAsync(template, sorted, scope, ct);
        var eligible = atCampaignLimit.Count == 0 ? recipients : recipients.Where(r => !atCampaignLimit.Contains(r.Value)).ToList();
        var batch = new Batch(template, eligible, claimed, sorted.Where(u => !claimed.ContainsKey(u) && !atCampaignLimit.Contains(u)).ToArray(),
            version, request.TaskId.ToString(CultureInfo.InvariantCulture), now);
        var issued = eligible.Count == 0 ? Refused([], DistributionRefusal.None)
            : await TryIssueToAllAsync(batch, issuedSeen, scope, ct) ?? await IssueExactlyAsync(batch, scope, ct);
        return await WithCampaignAsync(template, recipients, atCampaignLimit, issued, scope, ct);
    }

    /// <summary>
    /// One distribution batch once its counters are locked: <see cref="Claimed"/> holds the recipients who have claimed
    /// before (their rows are locked), <see cref="Fresh"/> those who never did (sorted, no row yet).
    /// </summary>
    private sealed record Batch(CouponTemplateSnapshot Template, IReadOnlyList<UserId> Recipients, Dictionary<long, int> Claimed, long[] Fresh,
        string? Version, string Source, DateTimeOffset Now);

    /// <summary>
    /// Optimistic first, under a savepoint: while stock visibly suffices, issue to every eligible recipient and count the
    /// template's hot row last, conditionally, so that row is locked only from there to the commit and shards working in
    /// parallel do not queue on it. New users' counters are created already counted (one write each, and the insert is
    /// their lock). Null when stock fell short meanwhile (everything undone to the savepoint) or could not suffice.
    /// </summary>
    private async Task<Issued?> TryIssueToAllAsync(Batch batch, long issuedSeen, WriteScope scope, CancellationToken ct)
    {
        var template = batch.Template;
        var eligible = batch.Recipients.Where(r => batch.Claimed.GetValueOrDefault(r.Value) < template.PerUserLimit).ToList();
        if (issuedSeen + eligible.Count > template.Stock || eligible.Count == 0) return null;

        await scope.Transaction.SaveAsync(Savepoint, ct);
        var all = eligible.Select(u => UserCoupon.Claim(new UserCouponId(ids.Next()), u, template, batch.Now)).ToList();
        var known = eligible.Select(u => u.Value).Where(batch.Claimed.ContainsKey).Order().ToArray();
        await InsertClaimRowsAsync(template.Id, batch.Fresh, counted: true, scope, ct);
        await WriteGrantsAsync(all, known, batch.Source, scope, ct);
        if (!await AddIssuedUpToStockAsync(template.Id, all.Count, template.Stock, scope, ct))
        {
            await scope.Transaction.RollbackAsync(Savepoint, ct);
            return null;
        }
        await scope.Transaction.ReleaseAsync(Savepoint, ct);
        var byUser = all.ToDictionary(c => c.User.Value, c => c.Id);
        var decisions = batch.Recipients.Select(r => byUser.TryGetValue(r.Value, out var id)
            ? new RecipientDecision(r, id, DistributionRefusal.None)
            : new RecipientDecision(r, null, DistributionRefusal.UserLimitReached)).ToArray();
        return new Issued(decisions, template.Id, batch.Version, all.Select(c => c.User).ToList(), cache);
    }

    /// <summary>Exactly, on the locked hot row: each recipient in order gets a coupon while the stock and their limit allow.</summary>
    private async Task<Issued> IssueExactlyAsync(Batch batch, WriteScope scope, CancellationToken ct)
    {
        var template = batch.Template;
        await InsertClaimRowsAsync(template.Id, batch.Fresh, counted: false, scope, ct); // locks the new users' rows (claimed = 0 until granted)
        var issued = await IssuedAsync(template.Id, scope, locking: true, ct);
        var refusals = DistributionDecider.Decide(batch.Recipients, batch.Claimed, template.PerUserLimit, template.Stock - issued);
        var (decisions, granted) = Grant(batch, refusals);

        var unused = batch.Fresh.Except(granted.Select(c => c.User.Value)).ToArray();
        if (granted.Count > 0)
        {
            await WriteGrantsAsync(granted, granted.Select(c => c.User.Value).Order().ToArray(), batch.Source, scope, ct);
            await AddIssuedAsync(template.Id, granted.Count, scope, ct);
        }
        await DeleteClaimRowsAsync(template.Id, unused, scope, ct); // new users who got nothing leave no counter behind
        return new Issued(decisions, template.Id, batch.Version, granted.Select(c => c.User).ToList(), cache);
    }

    /// <summary>A new coupon for each recipient not refused, and the decision for every recipient, in the batch's order.</summary>
    private (RecipientDecision[] Decisions, List<UserCoupon> Granted) Grant(Batch batch, IReadOnlyList<DistributionRefusal> refusals)
    {
        var granted = new List<UserCoupon>();
        var decisions = new RecipientDecision[batch.Recipients.Count];
        for (var i = 0; i < decisions.Length; i++)
        {
            var recipient = batch.Recipients[i];
            if (refusals[i] != DistributionRefusal.None)
            {
                decisions[i] = new RecipientDecision(recipient, null, refusals[i]);
                continue;
            }
            var coupon = UserCoupon.Claim(new UserCouponId(ids.Next()), recipient, batch.Template, batch.Now);
            granted.Add(coupon);
            decisions[i] = new RecipientDecision(recipient, coupon.Id, DistributionRefusal.None);
        }
        return (decisions, granted);
    }

    /// <summary>
    /// The coupons, their events, and one more claim on the counters of <paramref name="toCount"/> (sorted; the rest
    /// were created counted).
    /// </summary>
    private async Task WriteGrantsAsync(List<UserCoupon> granted, long[] toCount, string source, WriteScope scope, CancellationToken ct)
    {
        if (granted.Count == 0) return;
        await CountClaimsAsync(granted[0].Template, toCount, scope, ct);
        await coupons.AddManyAsync(granted, scope, ct);
        await outbox.AddAsync(CouponEvents.ClaimedMany(granted, CouponSources.Distribution, source), scope, ct);
    }

    /// <summary>Counts <paramref name="count"/> more issued unless that passes the stock: false (nothing counted) when it would.</summary>
    private async Task<bool> AddIssuedUpToStockAsync(TemplateId template, int count, long stock, WriteScope scope, CancellationToken ct) =>
        await Execute(
            $"INSERT INTO en_template_issuance (template_id, issued) VALUES ({L(template.Value)}, {L(count)}) " + (MySql
                ? $"ON DUPLICATE KEY UPDATE issued = IF(issued + {L(count)} <= {L(stock)}, issued + {L(count)}, issued)"
                : $"ON CONFLICT (template_id) DO UPDATE SET issued = issued + excluded.issued WHERE issued + excluded.issued <= {L(stock)}"),
            scope, ct) > 0;

    private static Issued Refused(IReadOnlyList<UserId> recipients, DistributionRefusal why) =>
        new(recipients.Select(r => new RecipientDecision(r, null, why)).ToArray(), default, null, [], null);

    private async Task<Dictionary<long, int>> LockClaimsAsync(TemplateId template, long[] users, WriteScope scope, CancellationToken ct)
    {
        var claimed = new Dictionary<long, int>(users.Length);
        foreach (var part in users.Chunk(RowsPerStatement))
        {
            var rows = await scope.Connection.QueryAsync<(long User, int Claimed)>(new CommandDefinition(
                $"SELECT user_id, claimed FROM en_user_template_claims WHERE template_id = {L(template.Value)} AND user_id IN ({List(part)})" +
                (MySql ? " FOR UPDATE" : ""), transaction: scope.Transaction, cancellationToken: ct));
            foreach (var (user, count) in rows) claimed[user] = count;
        }
        return claimed;
    }

    // A plain insert, never an upsert that could count past the limit: a concurrent claim that created one of these
    // rows since the locking read leaves it out (the bulk load skips a row whose key exists), and the caller's whole
    // transaction is tried again.
    private async Task InsertClaimRowsAsync(TemplateId template, long[] users, bool counted, WriteScope scope, CancellationToken ct)
    {
        if (users.Length == 0) return;
        var claimed = counted ? 1 : 0;
        var rows = users.Select(u => new object?[] { u, template.Value, claimed }).ToList();
        var inserted = await db.BulkInsertAsync(new BulkRows("en_user_template_claims", ["user_id", "template_id", "claimed"], rows), scope, ct);
        if (inserted != rows.Count) throw new ConcurrencyConflictException($"A claim counter of template {template}");
    }

    private static async Task CountClaimsAsync(TemplateId template, long[] users, WriteScope scope, CancellationToken ct)
    {
        foreach (var part in users.Chunk(RowsPerStatement))
        {
            var changed = await Execute($"UPDATE en_user_template_claims SET claimed = claimed + 1 " +
                $"WHERE template_id = {L(template.Value)} AND user_id IN ({List(part)})", scope, ct);
            if (changed != part.Length) throw new ConcurrencyConflictException($"The claim counters of template {template}");
        }
    }

    private static async Task DeleteClaimRowsAsync(TemplateId template, long[] users, WriteScope scope, CancellationToken ct)
    {
        foreach (var part in users.Chunk(RowsPerStatement))
            await Execute(
                $"DELETE FROM en_user_template_claims WHERE template_id = {L(template.Value)} AND user_id IN ({List(part)}) AND claimed = 0",
                scope, ct);
    }

    /// <summary>The template's issued count; <paramref name="locking"/> takes (creating if needed) the hot row's lock until commit.</summary>
    private async Task<long> IssuedAsync(TemplateId template, WriteScope scope, bool locking, CancellationToken ct)
    {
        if (locking && MySql)
            await Execute(
                $"INSERT INTO en_template_issuance (template_id, issued) VALUES ({L(template.Value)}, 0) ON DUPLICATE KEY UPDATE issued = issued",
                scope, ct);
        return await scope.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT issued FROM en_template_issuance WHERE template_id = {L(template.Value)}" + (locking && MySql ? " FOR UPDATE" : ""),
            transaction: scope.Transaction, cancellationToken: ct)) ?? 0;
    }

    private Task<int> AddIssuedAsync(TemplateId template, int count, WriteScope scope, CancellationToken ct) => Execute(
        $"INSERT INTO en_template_issuance (template_id, issued) VALUES ({L(template.Value)}, {L(count)}) " +
        (MySql
            ? "ON DUPLICATE KEY UPDATE issued = issued + VALUES(issued)"
            : "ON CONFLICT (template_id) DO UPDATE SET issued = issued + excluded.issued"),
        scope, ct);

    private static Task<int> Execute(string sql, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(sql, transaction: scope.Transaction, cancellationToken: ct));

    // Ids are longs formatted invariantly: literals are safe here and much cheaper than thousands of parameters.
    private static string L(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string List(IEnumerable<long> values) => new StringBuilder().AppendJoin(", ", values.Select(L)).ToString();

    private sealed class Issued(
        RecipientDecision[] decisions, TemplateId template, string? version, IReadOnlyList<UserId> granted, IClaimCounterCache? cache)
        : IIssuedCoupons
    {
        private int _committed;

        public IReadOnlyList<RecipientDecision> Decisions => decisions;

        public Task CommittedAsync(CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _committed, 1) == 1 || cache is null || version is null || granted.Count == 0) return Task.CompletedTask;
            return cache.AddCommittedAsync(template, version, granted, ct);
        }
    }
}
