using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>
/// The embedded default's transport, over the same database as the outbox: publishing records one delivery
/// per subscribed consumer group in the relay's transaction (msg_deliveries), so nothing is lost across a
/// crash and no broker is needed. Per-instance subscriptions are handed the events in memory once published:
/// this transport is for one running instance (several instances on one database use NATS). A consumer whose handler says it does
/// not want an event (<see cref="IEventInterest{T}"/>) gets no delivery of it: a row written and deleted for nothing is most of what
/// such a delivery costs.
/// </summary>
internal sealed class InProcessTransport(IdGenerator ids, Subscriptions subscriptions, EventDispatcher dispatcher, DeliverySignal signal,
    IServiceProvider services, TimeProvider clock) : IEventTransport
{
    public string Name => "InProcess";

    public bool? Connected => null;

    public Task<PublishOutcome> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct) => Task.FromResult(PublishOutcome.All(batch));

    public async Task EnlistAsync(IReadOnlyList<OutboxMessage> published, WriteScope scope, CancellationToken ct)
    {
        var deliveries = new List<(string Consumer, OutboxMessage Message)>();
        foreach (var e in published)
            foreach (var s in subscriptions.GroupsFor(e.Subject))
                if (!s.HasInterest || await s.WantsAsync(services, e.Envelope, ct)) deliveries.Add((s.Consumer, e));
        var now = UtcMillis.From(clock.GetUtcNow());
        foreach (var chunk in deliveries.Chunk(500))
        {
            var sql = new StringBuilder(
                "INSERT INTO msg_deliveries (id, consumer, partition_key, envelope, attempts, next_attempt_at, last_error) VALUES ");
            var args = new DynamicParameters(new { Now = now });
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append($"(@i{n}, @c{n}, @k{n}, @v{n}, 0, @Now, NULL)");
                args.Add("i" + n, ids.Next());
                args.Add("c" + n, chunk[i].Consumer);
                args.Add("k" + n, chunk[i].Message.PartitionKey);
                args.Add("v" + n, chunk[i].Message.Json);
            }
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
        }
    }

    public async Task PublishedAsync(IReadOnlyList<OutboxMessage> published, CancellationToken ct)
    {
        // Only when deliveries were recorded: most claims' events have no group consumer, and each wake costs a query.
        if (published.Any(e => subscriptions.GroupsFor(e.Subject).Count > 0)) signal.Notify();
        foreach (var e in published)
        {
            var handlers = subscriptions.InstanceFor(e.Subject);
            if (handlers.Count > 0) await dispatcher.HandleInstanceAsync(handlers, e.Envelope, ct);
        }
    }
}
