using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
/// it wants it (IEventInterest) gets no delivery of an event it would ignore, and a consumer that says nothing gets every event. A
/// consumer's events of a round share rows of up to a consumer batch, each row owning as many ids as it packs events.
/// </summary>
public sealed class EnlistingWhatConsumersWant
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_consumer_that_does_not_want_an_event_gets_no_delivery_of_it_and_one_that_says_nothing_gets_every_event()
    {
        using var store = await ScratchDatabase.MigratedAsync();

        await EnlistAsync(store, batchSize: 100);

        var delivered = await DeliveredAsync(store);
        Assert.Equal([2L, 4L, 6L], delivered["audit.even"].SelectMany(r => r.Coupons));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], delivered["audit.all"].SelectMany(r => r.Coupons));
        Assert.All(delivered.Values, rows => Assert.Single(rows)); // the round's events of a consumer in one row
    }

    [Fact]
    public async Task A_consumers_events_share_rows_of_up_to_a_batch_and_each_row_owns_an_id_per_event_it_packs()
    {
        using var store = await ScratchDatabase.MigratedAsync();

        await EnlistAsync(store, batchSize: 4);

        var delivered = await DeliveredAsync(store);
        Assert.Equal([[1L, 2L, 3L, 4L], [5L, 6L]], delivered["audit.all"].Select(r => r.Coupons));
        Assert.Equal([[2L, 4L, 6L]], delivered["audit.even"].Select(r => r.Coupons));
        // A split packed row puts event i at its id + i: no other delivery may lie there.
        var ids = delivered.Values.SelectMany(rows => rows).OrderBy(r => r.Id).ToList();
        for (var i = 1; i < ids.Count; i++)
            Assert.True(ids[i].Id >= ids[i - 1].Id + ids[i - 1].Coupons.Count, "a packed row's ids overlap the next row");
    }

    /// <summary>Enlists six released coupons (1 to 6) for a consumer that wants the even ones and one that takes them all.</summary>
    private static async Task EnlistAsync(ScratchDatabase store, int batchSize)
    {
        var clock = new FakeTimeProvider(At);
        var subscriptions = new Subscriptions(
            [EventSubscription.Group<CouponReleased, EvenCoupons>("audit.even"), EventSubscription.Group<CouponReleased, EveryCoupon>("audit.all")],
            Roles.Parse("all", ["engine"]));
        var services = new ServiceCollection().AddSingleton<EvenCoupons>().AddSingleton<EveryCoupon>().BuildServiceProvider();
        var dispatcher = new EventDispatcher(store.Database, services, clock, NullLogger<EventDispatcher>.Instance);
        var transport = new InProcessTransport(new IdGenerator(clock, 1), subscriptions, dispatcher, new DeliverySignal(), services, clock,
            Options.Create(new MessagingOptions { ConsumerBatchSize = batchSize }));
        var published = Enumerable.Range(1, 6).Select(i => OutboxMessage.Of(EventEnvelope.Create(Released(i), At, i.ToString("D")))).ToList();

        await using var scope = await store.Database.BeginWriteAsync(CancellationToken.None);
        await transport.EnlistAsync(published, scope, CancellationToken.None);
        await scope.CommitAsync(CancellationToken.None);
    }

    /// <summary>Each consumer's delivery rows in id order, with the coupons of the events each carries.</summary>
    private static async Task<Dictionary<string, List<(long Id, List<long> Coupons)>>> DeliveredAsync(ScratchDatabase store)
    {
        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<InProcessConsumers.Row>(
            "SELECT id, consumer, partition_key AS PartitionKey, envelope, packed, event_count AS EventCount FROM msg_deliveries ORDER BY id");
        return rows.GroupBy(r => r.Consumer).ToDictionary(g => g.Key, g => g.Select(r => (r.Id,
                r.Envelopes().Select(e => EventEnvelope.FromJson(e).PayloadAs<CouponReleased>().UserCouponId).ToList())).ToList());
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
