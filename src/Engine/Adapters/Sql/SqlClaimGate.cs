using System.Data.Common;
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
/// The claim decided by the database alone (the embedded default, and any deployment without Redis):
/// conditional counter updates and the coupon insert in one transaction. A refusal rolls everything back.
/// </summary>
internal sealed class SqlClaimGate(IDatabase db, IUserCoupons coupons, IOutbox outbox, IAudiences audiences) : IExactClaimGate
{
    // "Count one more unless the bound is reached" as a single statement, so concurrent claims never
    // read-then-write. MySQL reports 0 affected rows when the IF keeps the value (UseAffectedRows=true).
    private static string CountUpTo(SqlDialect dialect, string table, string keys, string counter, string bound) => dialect switch
    {
        SqlDialect.MySql =>
            $"INSERT INTO {table} ({keys}, {counter}) VALUES (@{keys.Replace(", ", ", @")}, 1) " +
            $"ON DUPLICATE KEY UPDATE {counter} = IF({counter} < {bound}, {counter} + 1, {counter})",
        _ =>
            $"INSERT INTO {table} ({keys}, {counter}) VALUES (@{keys.Replace(", ", ", @")}, 1) " +
            $"ON CONFLICT ({keys}) DO UPDATE SET {counter} = {counter} + 1 WHERE {counter} < {bound}",
    };

    private readonly string _countUserClaim = CountUpTo(db.Dialect, "en_user_template_claims", "user_id, template_id", "claimed", "@per_user_limit");
    private readonly string _countIssued = CountUpTo(db.Dialect, "en_template_issuance", "template_id", "issued", "@stock");
    private readonly string _countCampaignClaim =
        CountUpTo(db.Dialect, "en_user_campaign_claims", "user_id, campaign_id", "claimed", "@campaign_limit");

    public Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct) => db.WriteWithRetryAsync(async scope =>
    {
        var decision = await DecideAsync(ticket, scope, ct);
        if (decision is not GateDecision.Granted) return decision; // the scope's end rolls back what the refusal counted
        await coupons.AddAsync(ticket.Coupon, scope, ct);
        await outbox.AddAsync(CouponEvents.Claimed(ticket.Coupon, CouponSources.Claim, null).ToList(), scope, ct);
        await scope.CommitAsync(ct);
        return decision;
    }, ct);

    /// <summary>
    /// Decides the claim in the caller's transaction: its request row and its counters are written, the coupon and its events are
    /// not (the caller stores them when granted). A refusal leaves what it wrote for the caller to roll back: the whole transaction
    /// (<see cref="TryClaimAsync"/>) or the claim's savepoint (<see cref="SqlClaimGroupCommit"/>).
    /// </summary>
    public async Task<GateDecision> DecideAsync(ClaimTicket ticket, WriteScope scope, CancellationToken ct)
    {
        var coupon = ticket.Coupon;
        var args = new DynamicParameters(new
        {
            user_id = coupon.User.Value,
            template_id = coupon.Template.Value,
            per_user_limit = ticket.Template.PerUserLimit,
            stock = ticket.Template.Stock,
            campaign_id = ticket.Template.BudgetTerms.CampaignId,
            campaign_limit = ticket.Template.BudgetTerms.CampaignPerUserLimit,
        });
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO en_claim_requests (user_id, idempotency_key, template_id, user_coupon_id, created_at) " +
                "VALUES (@User, @Key, @Template, @Coupon, @At)",
                new
                {
                    User = coupon.User.Value, Key = ticket.Key.Value, Template = coupon.Template.Value, Coupon = coupon.Id.Value,
                    At = UtcMillis.From(coupon.ClaimedAt),
                },
                scope.Transaction, cancellationToken: ct));
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            // Read in this transaction: in a group commit the first request with the key may be an earlier claim of the same batch.
            return new GateDecision.Duplicate(await FindPriorAsync(coupon.User, ticket.Key, scope.Connection, scope.Transaction, ct)
                ?? throw new InvalidOperationException("A duplicate claim request vanished."));
        }
        if (GateDecision.WindowRefusal(ticket.Template, ticket.Now) is { } closed) return closed;
        // Audiences (docs/audiences.md): one primary-key probe of the members' table, after the window, before the counters.
        if (ticket.Template.Audience is { } audience
            && !await audiences.IsMemberAsync(audience, ticket.Template.Merchant, coupon.User, scope, ct))
            return new GateDecision.NotInAudience();
        // The user's own row first, the template's hot row last: the hot row's lock is held for the shortest time.
        if (await scope.Connection.ExecuteAsync(new CommandDefinition(_countUserClaim, args, scope.Transaction, cancellationToken: ct)) == 0)
            return new GateDecision.LimitReached();
        // Per-period limits: the user's one row for the template, every limited period counted in it, then read back.
        if (ticket.Periods.Count > 0 && await SqlPeriodClaims.CountOneAsync(db.Dialect, ticket, scope, ct) is { } full)
            return new GateDecision.PeriodLimitReached(full);
        // The campaign's limit over all its templates: the user's own row too, so still before the template's hot row.
        if (ticket.Template.BudgetTerms is { CampaignId: not null, CampaignPerUserLimit: not null }
            && await scope.Connection.ExecuteAsync(new CommandDefinition(_countCampaignClaim, args, scope.Transaction, cancellationToken: ct)) == 0)
            return new GateDecision.CampaignLimitReached();
        if (await scope.Connection.ExecuteAsync(new CommandDefinition(_countIssued, args, scope.Transaction, cancellationToken: ct)) == 0)
            return new GateDecision.OutOfStock();
        return new GateDecision.Granted();
    }

    /// <summary>The coupon an earlier request with this key claimed, from the database (the truth).</summary>
    public async Task<PriorClaim?> FindPriorAsync(UserId user, IdempotencyKey key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await FindPriorAsync(user, key, connection, null, ct);
    }

    private static async Task<PriorClaim?> FindPriorAsync(
        UserId user, IdempotencyKey key, DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PriorRow>(new CommandDefinition(
            "SELECT template_id, user_coupon_id FROM en_claim_requests WHERE user_id = @User AND idempotency_key = @Key",
            new { User = user.Value, Key = key.Value }, transaction, cancellationToken: ct));
        return row is null ? null : new PriorClaim(new TemplateId(row.TemplateId), new UserCouponId(row.UserCouponId));
    }

    private sealed class PriorRow
    {
        public long TemplateId { get; init; }
        public long UserCouponId { get; init; }
    }
}
