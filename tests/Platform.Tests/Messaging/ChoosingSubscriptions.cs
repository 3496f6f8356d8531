using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>
/// What a process runs of the subscriptions every module registers: a consumer "&lt;module&gt;.&lt;purpose&gt;" only where its
/// module is served (Promotion:Roles), one of no known module everywhere.
/// </summary>
public sealed class ChoosingSubscriptions
{
    private static readonly string[] Modules = ["merchant-admin", "engine", "settlement", "search"];

    private static readonly EventSubscription SettlementOnReleased = EventSubscription.Group<CouponReleased, Handler>("settlement.orders");
    private static readonly EventSubscription SettlementOnConsumed = EventSubscription.Group<CouponConsumed, Handler>("settlement.orders");
    private static readonly EventSubscription EngineOnReleased = EventSubscription.Group<CouponReleased, Handler>("engine.expiry");
    private static readonly EventSubscription AuditOnReleased = EventSubscription.Group<CouponReleased, Handler>("audit.trail");
    private static readonly EventSubscription SearchInstances = EventSubscription.EveryInstance<CouponReleased, InstanceHandler>("search.index");

    private static readonly EventSubscription[] All =
        [SettlementOnReleased, SettlementOnConsumed, EngineOnReleased, AuditOnReleased, SearchInstances];

    [Fact]
    public void A_process_serving_every_role_runs_every_subscription()
    {
        var subscriptions = new Subscriptions(All, Roles.Parse("all", Modules));

        Assert.Equal(["audit.trail", "engine.expiry", "settlement.orders"], subscriptions.GroupConsumers);
        Assert.Equal([SettlementOnReleased, EngineOnReleased, AuditOnReleased], subscriptions.GroupsFor(EventSubjects.Of<CouponReleased>()));
        Assert.Equal([SearchInstances], subscriptions.InstanceFor(EventSubjects.Of<CouponReleased>()));
        Assert.True(subscriptions.HasInstanceSubscriptions);
    }

    [Fact]
    public void A_process_serving_some_roles_runs_their_consumers_and_those_of_no_known_module()
    {
        var subscriptions = new Subscriptions(All, Roles.Parse("engine", Modules));

        Assert.Equal(["audit.trail", "engine.expiry"], subscriptions.GroupConsumers);
        Assert.Equal([EngineOnReleased, AuditOnReleased], subscriptions.GroupsFor(EventSubjects.Of<CouponReleased>()));
        Assert.Empty(subscriptions.GroupsFor(EventSubjects.Of<CouponConsumed>()));
        Assert.Null(subscriptions.Group("settlement.orders", EventSubjects.Of<CouponReleased>()));
        Assert.False(subscriptions.HasInstanceSubscriptions);
        Assert.Empty(subscriptions.InstanceSubjects);
    }

    [Fact]
    public void A_consumer_is_found_by_its_name_and_subject()
    {
        var subscriptions = new Subscriptions(All, Roles.Parse("settlement,search", Modules));

        Assert.Same(SettlementOnConsumed, subscriptions.Group("settlement.orders", EventSubjects.Of<CouponConsumed>()));
        Assert.Equal([EventSubjects.Of<CouponReleased>()], subscriptions.InstanceSubjects);
        Assert.Equal([SettlementOnReleased, SettlementOnConsumed, AuditOnReleased], subscriptions.Groups);
    }

    [Fact]
    public void A_consumer_that_subscribes_to_one_subject_twice_is_refused()
    {
        var twice = EventSubscription.Group<CouponReleased, Handler>("settlement.orders");

        var refused = Assert.Throws<InvalidOperationException>(() => new Subscriptions([.. All, twice], Roles.Parse("all", Modules)));

        Assert.Contains("settlement.orders", refused.Message);
    }

    [Fact]
    public void Twice_in_a_role_this_process_does_not_serve_is_not_its_concern()
    {
        var twice = EventSubscription.Group<CouponReleased, Handler>("settlement.orders");

        var subscriptions = new Subscriptions([.. All, twice], Roles.Parse("engine", Modules));

        Assert.DoesNotContain("settlement.orders", subscriptions.GroupConsumers);
    }

    private sealed class Handler : IEventHandler<CouponReleased>, IEventHandler<CouponConsumed>
    {
        public Task HandleAsync(CouponReleased @event, EventContext context, WriteScope scope, CancellationToken ct) => Task.CompletedTask;

        public Task HandleAsync(CouponConsumed @event, EventContext context, WriteScope scope, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class InstanceHandler : IInstanceEventHandler<CouponReleased>
    {
        public Task HandleAsync(CouponReleased @event, EventContext context, CancellationToken ct) => Task.CompletedTask;
    }
}
