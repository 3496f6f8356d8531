using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// A campaign's per-user limit over all its templates holds for pushed coupons as for claimed ones (en_user_campaign_claims):
/// the batch's users' campaign counters are locked (created at 0 when missing) before the batch is decided, a user already at
/// the limit gets CampaignLimitReached, and every pushed coupon counts one more. A batch gives a user at most one coupon, so a
/// user below the limit stays within it. The counters are locked after the template's user rows and before its hot row, as
/// the claim gate takes them; a fresh user's template row inserted after them may meet a racing claim in the other order, a
/// deadlock the database breaks and the transaction's retry absorbs.
/// </summary>
internal sealed partial class SqlCouponDistribution
{
    /// <summary>The batch's users who already hold the campaign's per-user limit (empty when the template has none).</summary>
    private async Task<HashSet<long>> LockCampaignClaimsAsync(CouponTemplateSnapshot template, long[] sorted, WriteScope scope, CancellationToken ct)
    {
        var full = new HashSet<long>();
        if (template.BudgetTerms is not { CampaignId: { } campaign, CampaignPerUserLimit: { } limit }) return full;
        foreach (var part in sorted.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", part.Select(u => $"({L(u)}, {L(campaign)}, 0)"));
            await Execute("INSERT INTO en_user_campaign_claims (user_id, campaign_id, claimed) VALUES " + values + (MySql
                ? " ON DUPLICATE KEY UPDATE claimed = claimed" // takes each existing row's lock
                : " ON CONFLICT (user_id, campaign_id) DO NOTHING"), scope, ct);
            var rows = await scope.Connection.QueryAsync<(long User, int Claimed)>(new CommandDefinition(
                $"SELECT user_id, claimed FROM en_user_campaign_claims WHERE campaign_id = {L(campaign)} AND user_id IN ({List(part)})" +
                (MySql ? " FOR UPDATE" : ""), transaction: scope.Transaction, cancellationToken: ct));
            foreach (var (user, count) in rows) if (count >= limit) full.Add(user);
        }
        return full;
    }

    /// <summary>Counts the pushed coupons on the campaign and answers for every recipient, those at the limit refused.</summary>
    private static async Task<IIssuedCoupons> WithCampaignAsync(CouponTemplateSnapshot template, IReadOnlyList<UserId> recipients,
        HashSet<long> atLimit, IIssuedCoupons issued, WriteScope scope, CancellationToken ct)
    {
        if (template.BudgetTerms is not { CampaignId: { } campaign, CampaignPerUserLimit: not null }) return issued;
        var granted = issued.Decisions.Where(d => d.Issued).Select(d => d.User.Value).Order().ToArray();
        foreach (var part in granted.Chunk(RowsPerStatement))
            await Execute($"UPDATE en_user_campaign_claims SET claimed = claimed + 1 WHERE campaign_id = {L(campaign)} AND user_id IN ({List(part)})",
                scope, ct);
        if (atLimit.Count == 0) return issued;
        var decided = issued.Decisions.ToDictionary(d => d.User.Value);
        return new CampaignIssued(recipients.Select(r => atLimit.Contains(r.Value)
            ? new RecipientDecision(r, null, DistributionRefusal.CampaignLimitReached)
            : decided[r.Value]).ToArray(), issued);
    }

    /// <summary>The batch's decisions in the recipients' order, with the engine's caches brought up by the inner batch's.</summary>
    private sealed class CampaignIssued(RecipientDecision[] decisions, IIssuedCoupons inner) : IIssuedCoupons
    {
        public IReadOnlyList<RecipientDecision> Decisions => decisions;

        public Task CommittedAsync(CancellationToken ct) => inner.CommittedAsync(ct);
    }
}
