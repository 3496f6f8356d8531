using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Distribution.V1;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A consumer of the test's own ("test.recorder", a group) whose effect is a row in test_effects written in the
/// handler's transaction: an event applied twice shows as two rows. It can be told to fail, to see retries and
/// dead letters. Its per-instance twin ("test.instance") records in memory.
/// </summary>
public sealed class EventRecorder :
    IEventHandler<TemplateCreated>, IEventHandler<TemplateChanged>, IEventHandler<TemplateStockAdded>, IEventHandler<TemplateTerminated>,
    IEventHandler<TemplateEnded>, IEventHandler<CouponClaimed>, IEventHandler<CouponLocked>, IEventHandler<CouponConsumed>,
    IEventHandler<CouponReleased>, IEventHandler<CouponRefunded>, IEventHandler<CouponExpired>, IEventHandler<CouponReminderDue>,
    IEventHandler<DistributionTaskCreated>, IEventHandler<DistributionTaskStarted>, IEventHandler<DistributionTaskCompleted>,
    IEventHandler<DistributionTaskFailed>, IEventHandler<CouponPushed>, IEventHandler<OrderSettlementRefused>, IEventHandler<OrderRefundSettled>,
    IEventHandler<OrderDiscountConsumed>, IInstanceEventHandler<TemplateCreated>, IInstanceEventHandler<TemplateChanged>
{
    public const string Consumer = "test.recorder";
    public const string InstanceConsumer = "test.instance";
    private static long _sequence;
    private static long _transactions;

    /// <summary>Events for which the handler throws (e.g. one aggregate's), while the predicate holds.</summary>
    public Func<EventEnvelope, bool> FailWhen { get; set; } = _ => false;

    public ConcurrentQueue<EventEnvelope> SeenByInstance { get; } = new();

    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();

    /// <summary>A number per write transaction the handler ran in (kept with each effect: effects of one commit share it).</summary>
    private static readonly ConditionalWeakTable<DbTransaction, object> Transactions = new();

    /// <summary>Adds the recorder's subscriptions to an app; call before it starts.</summary>
    public static EventRecorder AddTo(EngineApp app)
    {
        var recorder = new EventRecorder();
        app.With(b => b.ConfigureTestServices(services =>
        {
            services.AddSingleton(recorder);
            services.AddSingleton(EventSubscription.Group<TemplateCreated, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<TemplateChanged, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<TemplateStockAdded, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<TemplateTerminated, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<TemplateEnded, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponClaimed, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponLocked, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponConsumed, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponReleased, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponRefunded, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponExpired, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponReminderDue, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<DistributionTaskCreated, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<DistributionTaskStarted, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<DistributionTaskCompleted, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<DistributionTaskFailed, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<CouponPushed, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<OrderSettlementRefused, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<OrderRefundSettled, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.Group<OrderDiscountConsumed, EventRecorder>(Consumer));
            services.AddSingleton(EventSubscription.EveryInstance<TemplateCreated, EventRecorder>(InstanceConsumer));
            services.AddSingleton(EventSubscription.EveryInstance<TemplateChanged, EventRecorder>(InstanceConsumer));
        }));
        return recorder;
    }

    /// <summary>The effects table, made once the app's schema exists.</summary>
    public static async Task CreateTableAsync(IDatabase db)
    {
        await using var scope = await db.BeginWriteAsync(CancellationToken.None);
        await scope.Connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS test_effects (seq BIGINT NOT NULL, event_id VARCHAR(36) NOT NULL, subject VARCHAR(200) NOT NULL, " +
            "aggregate_id VARCHAR(200) NOT NULL, envelope TEXT NOT NULL, tx BIGINT NOT NULL)", transaction: scope.Transaction);
        await scope.CommitAsync(CancellationToken.None);
    }

    /// <summary>Every effect, in the order the handler applied them.</summary>
    public static async Task<IReadOnlyList<Effect>> EffectsAsync(IDatabase db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string EventId, string Envelope, long Tx)>(
            "SELECT event_id, envelope, tx FROM test_effects ORDER BY seq");
        return rows.Select(r => new Effect(Guid.Parse(r.EventId), EventEnvelope.FromJson(r.Envelope)) { Transaction = r.Tx }).ToList();
    }

    public sealed record Effect(Guid EventId, EventEnvelope Envelope)
    {
        /// <summary>The write transaction that committed it: equal for effects of one commit.</summary>
        public long Transaction { get; init; }

        /// <summary>Short, for the last value a wait saw.</summary>
        public override string ToString() => $"{Envelope.Type} of {Envelope.AggregateId}";
    }

    private async Task RecordAsync(EventContext context, WriteScope scope, CancellationToken ct)
    {
        Attempts.AddOrUpdate(context.Envelope.EventId, 1, (_, n) => n + 1);
        if (FailWhen(context.Envelope)) throw new InvalidOperationException($"The recorder was told to fail on {context.Envelope.Subject}.");
        var e = context.Envelope;
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO test_effects (seq, event_id, subject, aggregate_id, envelope, tx) "
            + "VALUES (@Seq, @EventId, @Subject, @Aggregate, @Envelope, @Tx)",
            new
            {
                Seq = Interlocked.Increment(ref _sequence), EventId = e.EventId.ToString(), e.Subject, Aggregate = e.AggregateId,
                Envelope = e.ToJson(), Tx = (long)Transactions.GetValue(scope.Transaction, _ => Interlocked.Increment(ref _transactions)),
            },
            scope.Transaction, cancellationToken: ct));
    }

    public Task HandleAsync(TemplateCreated e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(TemplateChanged e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(TemplateStockAdded e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(TemplateTerminated e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(TemplateEnded e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponClaimed e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponLocked e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponConsumed e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponReleased e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponRefunded e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponExpired e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponReminderDue e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(DistributionTaskCreated e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);
    public Task HandleAsync(DistributionTaskStarted e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);
    public Task HandleAsync(DistributionTaskCompleted e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);
    public Task HandleAsync(DistributionTaskFailed e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);
    public Task HandleAsync(CouponPushed e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(OrderSettlementRefused e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);
    public Task HandleAsync(OrderRefundSettled e, EventContext context, WriteScope scope, CancellationToken ct) => RecordAsync(context, scope, ct);
    public Task HandleAsync(OrderDiscountConsumed e, EventContext context, WriteScope scope, CancellationToken ct)
        => RecordAsync(context, scope, ct);

    public Task HandleAsync(TemplateCreated e, EventContext context, CancellationToken ct) => Seen(context);
    public Task HandleAsync(TemplateChanged e, EventContext context, CancellationToken ct) => Seen(context);

    private Task Seen(EventContext c)
    {
        SeenByInstance.Enqueue(c.Envelope);
        return Task.CompletedTask;
    }
}
