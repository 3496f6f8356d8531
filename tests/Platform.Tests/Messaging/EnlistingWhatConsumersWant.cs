using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Messaging.InProcess;
using PromotionEngine.Platform.Messaging.Outbox;
using PromotionEngine.Platform.Tests.Infrastructure;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>
/// The in-process transport writes a delivery only for the consumers that want the event: a handler that says per event whether
/// it wants it (IEventInterest) gets no row for an event it would ignore, and a consumer that says nothing gets every event.
/// </summary>
public sealed class EnlistingWhatConsumersWant
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_consumer_that_does_not_want_an_event_gets_no_delivery_of_it_and_one_that_says_nothing_gets_every_event()
    {
        using var store = await ScratchDatabase.MigratedAsync();
        var clock = new FakeTimeProvider(At);
        var subscriptions = new Subscriptions(
            [EventSubscription.Group<CouponReleased, EvenCoupons>("audit.even"), EventSubscription.Group<CouponReleased, EveryCoupon>("audit.all")],
            Roles.Parse("all", ["engine"]));
        var services = new ServiceCollection().AddSingleton<EvenCoupons>().AddSingleton<EveryCoupon>().BuildServiceProvider();
        var dispatcher = new EventDispatcher(store.Database, services, clock, NullLogger<EventDispatcher>.Instance);
        var transport = new InProcessTransport(new IdGenerator(clock, 1), subscriptions, dispatcher, new DeliverySignal(), services, clock);
        var published = Enumerable.Range(1, 6).Select(i => OutboxMessage.Of(EventEnvelope.Create(Released(i), At, i.ToString("D")))).ToList();

        await using (var scope = await store.Database.BeginWriteAsync(CancellationToken.None))
        {
            await transport.EnlistAsync(published, scope, CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
        }

        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        var delivered = (await connection.QueryAsync<(string Consumer, string Envelope)>("SELECT consumer, envelope FROM msg_deliveries"))
            .GroupBy(d => d.Consumer)
            .ToDictionary(g => g.Key,
                g => g.Select(d => EventEnvelope.FromJson(d.Envelope).PayloadAs<CouponReleased>().UserCouponId).Order().ToList());
        Assert.Equal([2L, 4L, 6L], delivered["audit.even"]);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], delivered["audit.all"]);
    }

    private static CouponReleased Released(long coupon) => new(coupon, 2, 3, 4, "order-" + coupon, "RELEASED", "AVAILABLE", At);

    private sealed class EvenCoupons : IEventHandler<CouponReleased>, IEventInterest<CouponReleased>
    {
        public ValueTask<bool> WantsAsync(CouponReleased @event, CancellationToken ct) => ValueTask.FromResult(@event.UserCouponId % 2 == 0);

        public Task HandleAsync(CouponReleased @event, EventContext context, WriteScope scope, CancellationToken ct) => Task.CompletedTask;
    }

    private sealed class EveryCoupon : IEventHandler<CouponReleased>
    {
        public Task HandleAsync(CouponReleased @event, EventContext context, WriteScope scope, CancellationToken ct) => Task.CompletedTask;
    }
}
