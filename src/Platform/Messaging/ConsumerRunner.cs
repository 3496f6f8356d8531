using Microsoft.Extensions.Options;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// One delivery to a group consumer, the same on every transport: handled through the inbox, or retried with
/// backoff, or after the last attempt recorded as a CONSUME dead letter. The transport acknowledges accordingly.
/// </summary>
internal sealed partial class ConsumerRunner(IDatabase db, EventDispatcher dispatcher, DeadLetters deadLetters, MessagingMetrics metrics,
    IOptions<MessagingOptions> options, ILogger<ConsumerRunner> log)
{
    /// <param name="take">
    /// The transport's proof that the event is handled once, run first in the handler's transaction (the in-process transport deletes
    /// its delivery there: false when another round took it); null: none.
    /// </param>
    /// <param name="inbox">Whether the consumer's inbox records the event too (see <see cref="EventDispatcher.HandleBatchAsync"/>).</param>
    /// <param name="onDeadLettered">Runs in the commit that records the dead letter.</param>
    public async Task<DeliveryResult> DeliverAsync(EventSubscription subscription, EventEnvelope envelope, int attempt,
        Func<WriteScope, Task<bool>>? take, bool inbox, Func<WriteScope, Task>? onDeadLettered, CancellationToken ct)
    {
        try
        {
            await dispatcher.HandleAsync(subscription, envelope, attempt, take, inbox, null, ct);
            metrics.Handled(subscription.Consumer);
            return new DeliveryResult.Handled();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var last = attempt >= options.Value.MaxDeliver;
            metrics.HandleFailed(subscription.Consumer, last);
            if (!last)
            {
                LogRetry(e, subscription.Consumer, envelope.Subject, envelope.EventId, attempt);
                return new DeliveryResult.Retry(options.Value.Backoff(attempt), e.Message);
            }
            LogDeadLettered(e, subscription.Consumer, envelope.Subject, envelope.EventId, attempt);
            await using var scope = await db.BeginWriteAsync(ct);
            await deadLetters.AddAsync(DeadLetterStages.Consume, subscription.Consumer, envelope, retained: false, attempt, e.ToString(), scope, ct);
            if (onDeadLettered is not null) await onDeadLettered(scope);
            await scope.CommitAsync(ct);
            return new DeliveryResult.DeadLettered();
        }
    }

    /// <summary>
    /// Several deliveries to one consumer (each partition key's in order) handled in one transaction (see
    /// <see cref="EventDispatcher.HandleBatchAsync"/>, with the transport's <paramref name="take"/> and/or the inbox). False when
    /// anything failed: nothing of the batch is written, and the caller delivers its events one by one (<see cref="DeliverAsync"/>),
    /// where a failure is retried with backoff or dead-lettered as always.
    /// </summary>
    public async Task<bool> DeliverBatchAsync(string consumer, IReadOnlyList<(EventSubscription Subscription, EventContext Context)> batch,
        Func<WriteScope, Task<bool>>? take, bool inbox, CancellationToken ct)
    {
        int handled;
        try
        {
            handled = await dispatcher.HandleBatchAsync(consumer, batch, take, inbox, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogBatchFailed(e, consumer, batch.Count);
            return false;
        }
        if (handled > 0) metrics.Handled(consumer, handled);
        return true;
    }

    [LoggerMessage(
        Level = LogLevel.Information, Message = "A batch of {Count} events failed for consumer {Consumer}; they are handled one by one")]
    private partial void LogBatchFailed(Exception error, string consumer, int count);

    [LoggerMessage(
        Level = LogLevel.Warning, Message = "Consumer {Consumer} failed on {Subject} {EventId} (attempt {Attempt}); it is delivered again")]
    private partial void LogRetry(Exception error, string consumer, string subject, Guid eventId, int attempt);

    [LoggerMessage(
        Level = LogLevel.Error,
        Message = "Consumer {Consumer} failed on {Subject} {EventId} at its last attempt ({Attempt}); moved to the dead letters")]
    private partial void LogDeadLettered(Exception error, string consumer, string subject, Guid eventId, int attempt);
}
