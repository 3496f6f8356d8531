using System.Data.Common;
using System.Diagnostics;
using Dapper;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// Runs handlers. A group handler runs in a write transaction that first records the event in the consumer's
/// inbox: a redelivered event finds its record and is skipped, so the effect happens once. An instance handler
/// runs outside any transaction.
/// </summary>
internal sealed partial class EventDispatcher(IDatabase db, IServiceProvider services, TimeProvider clock, ILogger<EventDispatcher> log)
{
    /// <summary>Each handling is a span in the trace of the request that caused the event (its W3C context travels in the envelope).</summary>
    public static readonly ActivitySource Source = new("PromotionEngine.Messaging");

    /// <summary>
    /// Handles the event for the subscription's consumer unless it already did; <paramref name="alsoInTransaction"/>
    /// runs in the same commit (the in-process transport removes its delivery there). True when handled now.
    /// </summary>
    public Task<bool> HandleAsync(EventSubscription subscription, EventEnvelope envelope, int attempt, Func<WriteScope, Task>? alsoInTransaction,
        CancellationToken ct) =>
        db.WriteWithRetryAsync(async scope =>
        {
            using var span = StartSpan(subscription, envelope);
            var fresh = await TryRecordAsync(subscription.Consumer, envelope.EventId, scope, ct);
            if (fresh) await subscription.DispatchAsync(services, new EventContext(envelope, attempt), scope, ct);
            if (alsoInTransaction is not null) await alsoInTransaction(scope);
            await scope.CommitAsync(ct);
            return fresh;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance handler {Consumer} failed on {Subject} {EventId}")]
    private partial void LogInstanceFailed(Exception error, string consumer, string subject, Guid eventId);
}
