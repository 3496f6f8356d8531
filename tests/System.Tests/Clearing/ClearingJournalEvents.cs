using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// The clearing's consumer on each store, events handed to it as the transport does (one write scope per delivery): a coupon
/// event that comes before its template's first event is parked, and journaled with the template's dimensions when it comes.
/// </summary>
public abstract class ClearingJournalEvents(EngineApp app)
{
    private readonly JournalEvents _handler = app.Services.GetRequiredService<JournalEvents>();
    private readonly IDatabase _db = app.Services.GetRequiredService<IDatabase>();

    [Fact]
    public async Task A_coupon_event_before_its_template_is_journaled_when_the_template_arrives()
    {
        var (merchant, templateId, coupon) = (EngineApp.NewId(), EngineApp.NewId(), EngineApp.NewId());
        var at = app.Clock.GetUtcNow();
        var claimed = new CouponClaimed(coupon, templateId, 1001, merchant, at, at, at.AddDays(7), CouponSources.Distribution, "task-9");
        await DeliverAsync(claimed, (h, e, c, s) => h.HandleAsync(e, c, s, default));
        Assert.Empty(await JournaledAsync(merchant));

        var template = new TemplateState(templateId, merchant, "会员日满100减20", "", "CNY", "SHOP", 3, [], [], "THRESHOLD", 2000, 10_000, null,
            null, at, at.AddDays(30), null, 100, 1, null, 1, at, at, Funding: FundingKinds.Split, PlatformShareBps: 2500);
        await DeliverAsync(new TemplateCreated(template), (h, e, c, s) => h.HandleAsync(e, c, s, default));

        var fact = Assert.Single(await JournaledAsync(merchant));
        Assert.Equal((Movements.Claimed, Channels.Distribution, "task-9", coupon), (fact.Movement, fact.Channel, fact.ChannelId, fact.UserCouponId));
        Assert.Equal(("CNY", "SHOP", FundingKinds.Split, 2500), (fact.Currency, fact.Scope, fact.Funding, fact.PlatformShareBps));

        await DeliverAsync(new TemplateChanged(template with { Version = 2 }, ["name"]), (h, e, c, s) => h.HandleAsync(e, c, s, default));
        Assert.Single(await JournaledAsync(merchant)); // parked events are journaled once
    }

    [Fact]
    public async Task A_run_of_coupon_events_is_journaled_in_one_go_as_one_by_one_and_an_unknown_template_parks_its_event()
    {
        var (merchant, known, unknown) = (EngineApp.NewId(), EngineApp.NewId(), EngineApp.NewId());
        var at = app.Clock.GetUtcNow();
        await DeliverAsync(new TemplateCreated(ATemplate(known, merchant, at)), (h, e, c, s) => h.HandleAsync(e, c, s, default));
        var coupons = Enumerable.Range(0, 4).Select(_ => EngineApp.NewId()).ToList();
        var claims = coupons.Select((coupon, i) => new CouponClaimed(
            coupon, i == 2 ? unknown : known, 1001 + i, merchant, at, at, at.AddDays(7), CouponSources.Claim, null)).ToList();

        await using (var scope = await _db.BeginWriteAsync(default))
        {
            await _handler.HandleAsync(
                [.. claims.Select(e => (e, new EventContext(EventEnvelope.Create(e, at, e.UserCouponId.ToString()), 1)))], scope, default);
            await scope.CommitAsync(default);
        }

        var facts = await JournaledAsync(merchant);
        Assert.Equal([coupons[0], coupons[1], coupons[3]], facts.Select(f => f.UserCouponId)); // in order, the third parked
        Assert.All(facts, f => Assert.Equal((Movements.Claimed, "CNY", known), (f.Movement, f.Currency, f.TemplateId)));
        Assert.Equal(facts.OrderBy(f => f.Seq), facts);
        await DeliverAsync(new TemplateCreated(ATemplate(unknown, merchant, at)), (h, e, c, s) => h.HandleAsync(e, c, s, default));
        Assert.Equal(coupons[2], (await JournaledAsync(merchant)).Last().UserCouponId);
    }

    private static TemplateState ATemplate(long id, long merchant, DateTimeOffset at) =>
        new(id, merchant, "Flash sale", "", "CNY", "SHOP", 3, [], [], "THRESHOLD", 2000, 10_000, null, null, at, at.AddDays(30), null, 100, 1,
            null, 1, at, at);

    private async Task DeliverAsync<T>(T @event, Func<JournalEvents, T, EventContext, WriteScope, Task> handle) where T : IIntegrationEvent
    {
        var context = new EventContext(EventEnvelope.Create(@event, app.Clock.GetUtcNow(), "test"), 1);
        await using var scope = await _db.BeginWriteAsync(default);
        await handle(_handler, @event, context, scope);
        await scope.CommitAsync(default);
    }

    private async Task<List<ClearingFact>> JournaledAsync(long merchant) =>
        [.. (await app.Services.GetRequiredService<ClearingJournal>().ReadAsync(0, int.MaxValue, default)).Where(f => f.MerchantId == merchant)];
}

public sealed class ClearingJournalEventsOnSqlite(SqliteApp app) : ClearingJournalEvents(app), IClassFixture<SqliteApp>;

public sealed class ClearingJournalEventsOnMariaDb(MariaDbApp app) : ClearingJournalEvents(app), IClassFixture<MariaDbApp>;
