using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// Runs handlers. A group handler runs in a write transaction that first proves the event is handled once: it records the
/// event in the consumer's inbox (a redelivered event finds its record and is skipped), or, on the in-process transport, deletes
/// the event's delivery (a delivery is handled in the transaction that deletes it, so there is nothing to redeliver). An instance
/// handler runs outside any transaction.
/// </summary>
internal sealed partial class EventDispatcher(IDatabase db, IServiceProvider services, TimeProvider clock, ILogger<EventDispatcher> log)
{
    /// <summary>Each handling is a span in the trace of the request that caused the event (its W3C context travels in the envelope).</summary>
    public static readonly ActivitySource Source = new("PromotionEngine.Messaging");

    /// <summary>
    /// Handles the event for the subscription's consumer unless it already did; <paramref name="alsoInTransaction"/>
    /// runs in the same commit. True when handled now. What makes it happen once: the transport's <paramref name="take"/>, the
    /// consumer's <paramref name="inbox"/> (a redelivery finds the record and is skipped), or both (see <see cref="HandleBatchAsync"/>).
    /// </summary>
    public Task<bool> HandleAsync(EventSubscription subscription, EventEnvelope envelope, int attempt, Func<WriteScope, Task<bool>>? take,
        bool inbox, Func<WriteScope, Task>? alsoInTransaction, CancellationToken ct) =>
        db.WriteWithRetryAsync(async scope =>
        {
            using var span = StartSpan(subscription, envelope);
            if (take is not null && !await take(scope)) return false; // taken by another round: nothing to write
            var fresh = !inbox || await TryRecordAsync(subscription.Consumer, envelope.EventId, scope, ct);
            if (fresh) await subscription.DispatchAsync(services, new EventContext(envelope, attempt), scope, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(scope);
            await scope.CommitAsync(ct);
            return fresh;
        }, ct);

    /// <summary>
    /// Handles a batch of one consumer's events in ONE write transaction: the handlers in delivery order (a run of consecutive events
    /// of one subscription in one call, the batch form of its handler when it has one), then one commit. Anything thrown leaves nothing written. Returns how many were handled now.
    /// What makes the handling happen once: the transport's <paramref name="take"/>, run first (the in-process transport deletes the
    /// batch's deliveries, which locks them until the commit, and answers false when another round took one of them first: then
    /// nothing is written and nothing handled, and what is left is found again by the next round), and/or the consumer's
    /// <paramref name="inbox"/> (one statement finds the events handled before, which are skipped, one multi-row insert records the
    /// others): on a broker, which may redeliver, and for events whose ids an outside producer chose, which may come twice.
    /// </summary>
    public Task<int> HandleBatchAsync(string consumer, IReadOnlyList<(EventSubscription Subscription, EventContext Context)> batch,
        Func<WriteScope, Task<bool>>? take, bool inbox, CancellationToken ct) =>
        db.WriteWithRetryAsync(async scope =>
        {
            if (take is not null && !await take(scope)) return 0;
            var ids = batch.Select(b => b.Context.Envelope.EventId).ToList();
            var fresh = inbox ? await RecordAllAsync(consumer, ids, scope, ct) : ids.ToHashSet();
            var handled = 0;
            for (var start = 0; start < batch.Count;)
            {
                var end = start;
                var subscription = batch[start].Subscription;
                var run = new List<EventContext>();
                for (; end < batch.Count && ReferenceEquals(batch[end].Subscription, subscription); end++)
                    if (fresh.Remove(batch[end].Context.Envelope.EventId)) run.Add(batch[end].Context);
                if (run.Count > 0)
                {
                    using var span = StartRunSpan(subscription, run);
                    await subscription.DispatchRunAsync(services, run, scope, ct);
                    handled += run.Count;
                }
                start = end;
            }
            await scope.CommitAsync(ct);
            return handled;
        }, ct);

    /// <summary>Every instance handler of the event's subject; a failure is logged, the instance rebuilds from the log on restart.</summary>
    public async Task HandleInstanceAsync(IReadOnlyList<EventSubscription> subscriptions, EventEnvelope envelope, CancellationToken ct)
    {
        foreach (var subscription in subscriptions)
        {
            try
            {
                using var span = StartSpan(subscription, envelope);
                await subscription.DispatchAsync(services, new EventContext(envelope, 1), null, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogInstanceFailed(e, subscription.Consumer, envelope.Subject, envelope.EventId);
            }
        }
    }

    /// <summary>Forgets what consumers handled longer ago than the retention (a redelivery that late is handled again).</summary>
    public async Task<int> PurgeInboxAsync(TimeSpan retention, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        var purged = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM msg_inbox WHERE processed_at < @Before", new { Before = UtcMillis.From(clock.GetUtcNow() - retention) },
            scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
        return purged;
    }

    /// <summary>Records in the consumer's inbox the events it has not handled before (in two statements); returns those.</summary>
    private async Task<HashSet<Guid>> RecordAllAsync(string consumer, IReadOnlyList<Guid> eventIds, WriteScope scope, CancellationToken ct)
    {
        var fresh = eventIds.ToHashSet();
        if (fresh.Count == 0) return fresh;
        var before = await scope.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT event_id FROM msg_inbox WHERE consumer = @Consumer AND event_id IN @Ids",
            new { Consumer = consumer, Ids = fresh.Select(id => id.ToString()).ToArray() }, scope.Transaction, cancellationToken: ct));
        foreach (var id in before) fresh.Remove(Guid.Parse(id));
        var at = UtcMillis.From(clock.GetUtcNow());
        // A concurrent handler recording one of these first fails this insert on the key: the batch is then handled one by one.
        foreach (var chunk in fresh.Chunk(500))
        {
            var sql = new StringBuilder("INSERT INTO msg_inbox (consumer, event_id, processed_at) VALUES ");
            var args = new DynamicParameters(new { Consumer = consumer, At = at });
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append($"(@Consumer, @e{n}, @At)");
                args.Add("e" + n, chunk[i].ToString());
            }
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
        }
        return fresh;
    }

    private async Task<bool> TryRecordAsync(string consumer, Guid eventId, WriteScope scope, CancellationToken ct)
    {
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO msg_inbox (consumer, event_id, processed_at) VALUES (@Consumer, @EventId, @At)",
                new { Consumer = consumer, EventId = eventId.ToString(), At = UtcMillis.From(clock.GetUtcNow()) },
                scope.Transaction, cancellationToken: ct));
            return true;
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return false; // handled before: a redelivery
        }
    }

    private static Activity? StartSpan(EventSubscription subscription, EventEnvelope envelope)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var parent);
        var span = Source.StartActivity($"{subscription.Consumer} {envelope.Type}", ActivityKind.Consumer, parent);
        span?.SetTag("messaging.system", "promotion-engine");
        span?.SetTag("messaging.destination.name", envelope.Subject);
        span?.SetTag("messaging.message.id", envelope.EventId.ToString());
        span?.SetTag("messaging.consumer.group.name", subscription.Consumer);
        return span;
    }

    /// <summary>One span for a run of events handled together: a child of the first event's trace, linked to the others'.</summary>
    private static Activity? StartRunSpan(EventSubscription subscription, IReadOnlyList<EventContext> run)
    {
        if (run.Count == 1) return StartSpan(subscription, run[0].Envelope);
        if (!Source.HasListeners()) return null;
        var first = run[0].Envelope;
        ActivityContext.TryParse(first.TraceParent, first.TraceState, out var parent);
        var links = run.Skip(1)
            .Select(c => ActivityContext.TryParse(c.Envelope.TraceParent, c.Envelope.TraceState, out var linked) ? linked : default)
            .Where(c => c != default).Select(c => new ActivityLink(c)).ToList();
        var span = Source.StartActivity(ActivityKind.Consumer, parent, links: links, name: $"{subscription.Consumer} {first.Type}");
        span?.SetTag("messaging.system", "promotion-engine");
        span?.SetTag("messaging.destination.name", first.Subject);
        span?.SetTag("messaging.batch.message_count", run.Count);
        span?.SetTag("messaging.consumer.group.name", subscription.Consumer);
        return span;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance handler {Consumer} failed on {Subject} {EventId}")]
    private partial void LogInstanceFailed(Exception error, string consumer, string subject, Guid eventId);
}
