using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Keeps rule audiences current as facts change (docs/audiences.md, "Audiences from rules"), one group consumer of three events:
/// the engine's own coupon-consumed (the user is no longer new to the merchant) and coupon-claimed (has / has not claimed the
/// template), and settlement's order-settled (a settled order with the merchants of the order's coupons). Each records its
/// facts (a fact already known adds nothing) and decides again, for that one user, every rule the fact touches: the members'
/// table then holds the user exactly when the rule's facts name them. A redelivered event is skipped by the inbox; one that
/// arrives twice under another id finds its fact known and the user already decided, so it changes nothing either.
/// </summary>
internal sealed class FollowAudienceFacts(IAudienceRules rules, ChangeAudienceMembers change, TimeProvider clock)
    : IEventHandler<CouponConsumed>, IEventHandler<CouponClaimed>, IEventHandler<OrderSettled>
{
    public const string Consumer = "engine.audience-rules";

    private static readonly string[] ConsumedTouches = [AudienceRuleKinds.NewUser];
    private static readonly string[] SettledTouches = [AudienceRuleKinds.NewUser, AudienceRuleKinds.SettledOrders];

    public async Task HandleAsync(CouponConsumed e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var merchant = new MerchantId(e.MerchantId);
        var user = new UserId(e.UserId);
        await rules.AddFactsAsync([new AudienceFact(merchant, user, AudienceFactKinds.Consumed, e.UserCouponId.ToString(), e.ConsumedAt)], scope, ct);
        await DecideAsync(await rules.OfMerchantAsync(merchant, ConsumedTouches, scope, ct), user, scope, ct);
    }

    public async Task HandleAsync(CouponClaimed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        await DecideAsync(await rules.AboutTemplateAsync(new TemplateId(e.TemplateId), scope, ct), new UserId(e.UserId), scope, ct);

    public async Task HandleAsync(OrderSettled e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var user = new UserId(e.UserId);
        foreach (var merchant in await rules.MerchantsOfAsync(user, e.UserCouponIds, scope, ct))
        {
            await rules.AddFactsAsync([new AudienceFact(merchant, user, AudienceFactKinds.Settled, e.OrderId, e.SettledAt)], scope, ct);
            await DecideAsync(await rules.OfMerchantAsync(merchant, SettledTouches, scope, ct), user, scope, ct);
        }
    }

    /// <summary>
    /// Each rule decided again for the user, in the handler's transaction. The Redis copies are told before that commits (a handler
    /// has no later moment): should it roll back, a copy is wrong for one user until the gates' database checks correct it, which
    /// costs a claim time, never a coupon (docs/audiences.md, "The database decides wherever the copy is wrong").
    /// </summary>
    private async Task DecideAsync(IReadOnlyList<AudienceRule> touched, UserId user, WriteScope scope, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var rule in touched)
        {
            var should = await rules.ShouldHoldAsync(rule, user, now, scope, ct);
            if (should == await rules.HoldsAsync(rule.Audience, user, scope, ct)) continue;
            IReadOnlyList<long> add = should ? [user.Value] : [], remove = should ? [] : [user.Value];
            if (await change.InScopeAsync(rule.Audience, rule.Merchant, add, remove, AudienceSources.Rule, scope, ct) is not null)
                await change.TellCopiesAsync(rule.Audience, add, remove);
        }
    }
}
