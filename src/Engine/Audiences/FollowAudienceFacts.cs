using System.Globalization;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Keeps rule audiences current as facts change (docs/audiences.md, "Audiences from rules"), one group consumer of three events:
/// the engine's own coupon-consumed (the user is no longer new to the merchant), coupon-claimed (has / has not claimed the
/// template) and coupon-refunded (a whole refund withdraws the consumption and the settled order), and settlement's order-settled (a
/// settled order with the merchants of the order's coupons). Each records its
/// facts (a fact already known adds nothing) and decides again, for that one user, every rule the fact touches: the members'
/// table then holds the user exactly when the rule's facts name them. A redelivered event is skipped by the inbox; one that
/// arrives twice under another id finds its fact known and the user already decided, so it changes nothing either. Whether any
/// rule refers to the event's template or merchant is asked of <see cref="AudienceRuleIndex"/> first: an event no rule refers to
/// reads no rule (its facts are still recorded, for rules made later). A claim records no fact here (the claim counters are the
/// gates'), so a claim of a template no rule is about is not wanted at all (<see cref="IEventInterest{T}"/>): the in-process
/// transport writes no delivery of it; on NATS it is delivered and the handler's own question of the index skips it.
/// </summary>
internal sealed class FollowAudienceFacts(IAudienceRules rules, AudienceRuleIndex index, ChangeAudienceMembers change, TimeProvider clock)
    : IEventHandler<CouponConsumed>, IEventHandler<CouponClaimed>, IEventHandler<OrderSettled>, IEventHandler<CouponRefunded>,
        IEventInterest<CouponClaimed>
{
    public const string Consumer = "engine.audience-rules";

    private static readonly string[] ConsumedTouches = [AudienceRuleKinds.NewUser];
    private static readonly string[] SettledTouches = [AudienceRuleKinds.NewUser, AudienceRuleKinds.SettledOrders];

    public async Task HandleAsync(CouponConsumed e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var merchant = new MerchantId(e.MerchantId);
        var user = new UserId(e.UserId);
        await rules.AddFactsAsync([new AudienceFact(merchant, user, AudienceFactKinds.Consumed, e.UserCouponId.ToString(), e.ConsumedAt)], scope, ct);
        if (await index.ForMerchantAsync(merchant, ct))
            await DecideAsync(await rules.OfMerchantAsync(merchant, ConsumedTouches, scope, ct), user, scope, ct);
    }

    /// <summary>
    /// Asked when the claim's delivery would be made, after the claim committed. Exact as the handler's own question is: the view is
    /// at most <see cref="AudienceRuleIndex.Freshness"/> old, a rule made on this instance drops it before the rule's first
    /// evaluation starts, and the creating instance evaluates the rule whole again once that window has passed
    /// (<see cref="AudienceRuleSweeper.EvaluateAgainLater"/>): a claim this view missed was committed before that evaluation.
    /// </summary>
    public async ValueTask<bool> WantsAsync(CouponClaimed e, CancellationToken ct) =>
        await index.AboutTemplateAsync(new TemplateId(e.TemplateId), ct);

    public async Task HandleAsync(CouponClaimed e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var template = new TemplateId(e.TemplateId);
        if (await index.AboutTemplateAsync(template, ct))
            await DecideAsync(await rules.AboutTemplateAsync(template, scope, ct), new UserId(e.UserId), scope, ct);
    }

    public async Task HandleAsync(OrderSettled e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var user = new UserId(e.UserId);
        foreach (var merchant in await rules.MerchantsOfAsync(user, e.UserCouponIds, scope, ct))
        {
            await rules.AddFactsAsync([new AudienceFact(merchant, user, AudienceFactKinds.Settled, e.OrderId, e.SettledAt)], scope, ct);
            if (await index.ForMerchantAsync(merchant, ct))
                await DecideAsync(await rules.OfMerchantAsync(merchant, SettledTouches, scope, ct), user, scope, ct);
        }
    }

    /// <summary>
    /// A whole refund (the order's coupons are back in the wallet): the coupon is no longer consumed and the order no longer settled
    /// with the merchant, so both facts are withdrawn and the merchant's rules decided again: a user whose only order it was is new
    /// again, and the order leaves the settled-orders count. A partial refund restores no coupon and publishes no coupon-refunded.
    /// </summary>
    public async Task HandleAsync(CouponRefunded e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var merchant = new MerchantId(e.MerchantId);
        var user = new UserId(e.UserId);
        await rules.WithdrawFactsAsync(merchant, user,
            [(AudienceFactKinds.Consumed, e.UserCouponId.ToString(CultureInfo.InvariantCulture)), (AudienceFactKinds.Settled, e.OrderId)], scope, ct);
        if (await index.ForMerchantAsync(merchant, ct))
            await DecideAsync(await rules.OfMerchantAsync(merchant, SettledTouches, scope, ct), user, scope, ct);
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
