using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Kernel.Messaging;

/// <summary>One delivery of an event to one consumer; <see cref="Attempt"/> counts from 1.</summary>
public sealed record EventContext(EventEnvelope Envelope, int Attempt);

/// <summary>
/// Reacts to an event once per consumer group. It runs in a write transaction that also records the event
/// as processed by this consumer (the inbox), so a redelivered event is skipped and its effect happens once.
/// Events may arrive late, twice or out of order: a handler checks the state it acts on, never assumes it.
/// Throwing means "not now": the event is delivered again with backoff, and dead-lettered after the last attempt.
/// Do every write in <c>scope</c>: that is what makes the effect and the inbox record one commit, and a second
/// write transaction opened inside a handler would wait for ever on SQLite's single writer.
/// </summary>
public interface IEventHandler<in T> where T : IIntegrationEvent
{
    Task HandleAsync(T @event, EventContext context, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// A group handler that can also take a run of its events at once. The consumer hands it, in delivery order (each partition
/// key's events in their order), the events of one batch that this consumer has not handled before, in the batch's one write
/// transaction (inbox records written already). The effect must be what handling each event in turn with
/// <see cref="IEventHandler{T}"/> would have; throwing rolls the whole batch back, and its events are then handled one at a
/// time through <see cref="IEventHandler{T}"/>, with retries, backoff and dead letters as usual. Worth it when a run of events
/// can share work (one lookup, one multi-row insert) that handling them one by one repeats.
/// </summary>
public interface IEventBatchHandler<T> : IEventHandler<T> where T : IIntegrationEvent
{
    Task HandleAsync(IReadOnlyList<(T Event, EventContext Context)> events, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// A group handler's say, per event, whether it wants the event at all: asked when the event's delivery to the consumer would be
/// made (the in-process transport writes no delivery for an event its consumer does not want; on a broker the handler is asked
/// nothing and decides itself, as it must anyway). False is a promise that handling the event would write nothing and change
/// nothing, now or later: a consumer that says false for an event it would have acted on loses that event for good. The answer may
/// come from a view that is stale, as long as what the view misses is caught up otherwise (e.g. the audience rules' evaluation
/// covers their view's staleness window).
/// </summary>
public interface IEventInterest<in T> where T : IIntegrationEvent
{
    ValueTask<bool> WantsAsync(T @event, CancellationToken ct);
}

/// <summary>
/// Reacts to every event in every running instance (in-memory read models, caches), outside any transaction.
/// Must be idempotent and order-tolerant; an instance that starts rebuilds its state from the event log.
/// </summary>
public interface IInstanceEventHandler<in T> where T : IIntegrationEvent
{
    Task HandleAsync(T @event, EventContext context, CancellationToken ct);
}

/// <summary>How a consumer receives an event: once per group (durable, transactional) or once per instance.</summary>
public enum EventDelivery
{
    /// <summary>One instance of the consumer group handles each event, in a transaction with its inbox record.</summary>
    Group,
    /// <summary>Every running instance handles each event published while it runs.</summary>
    EveryInstance,
}

/// <summary>
/// A consumer's interest in one event type, registered by the consuming module (a singleton in its services);
/// the Host binds every subscription to the transport. Consumer names are "&lt;module&gt;.&lt;purpose&gt;".
/// </summary>
public sealed class EventSubscription
{
    public const int MaxConsumerLength = 64;

    private readonly Func<IServiceProvider, EventContext, WriteScope?, CancellationToken, Task> _dispatch;
    private readonly Func<IServiceProvider, IReadOnlyList<EventContext>, WriteScope, CancellationToken, Task>? _dispatchRun;
    private readonly Func<IServiceProvider, EventEnvelope, CancellationToken, ValueTask<bool>>? _wants;

    private EventSubscription(string consumer, string subject, EventDelivery delivery, Type handler,
        Func<IServiceProvider, EventContext, WriteScope?, CancellationToken, Task> dispatch,
        Func<IServiceProvider, IReadOnlyList<EventContext>, WriteScope, CancellationToken, Task>? dispatchRun = null,
        Func<IServiceProvider, EventEnvelope, CancellationToken, ValueTask<bool>>? wants = null)
    {
        if (string.IsNullOrEmpty(consumer) || consumer.Length > MaxConsumerLength
            || !consumer.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            throw new ArgumentException($"A consumer name is 1 to {MaxConsumerLength} characters of [a-z0-9.-].", nameof(consumer));
        Consumer = consumer;
        Subject = subject;
        Delivery = delivery;
        Handler = handler;
        _dispatch = dispatch;
        _dispatchRun = dispatchRun;
        _wants = wants;
    }

    public string Consumer { get; }
    public string Subject { get; }
    public EventDelivery Delivery { get; }
    public Type Handler { get; }

    /// <summary>The handler also takes a run of events at once (<see cref="IEventBatchHandler{T}"/>).</summary>
    public bool HandlesRuns => _dispatchRun is not null;

    /// <summary>The handler says per event whether it wants it (<see cref="IEventInterest{T}"/>).</summary>
    public bool HasInterest => _wants is not null;

    public static EventSubscription Group<TEvent, THandler>(string consumer)
        where TEvent : IIntegrationEvent where THandler : IEventHandler<TEvent> =>
        new(consumer, EventSubjects.Of<TEvent>(), EventDelivery.Group, typeof(THandler), (services, context, scope, ct) =>
            Resolve<THandler>(services).HandleAsync(context.Envelope.PayloadAs<TEvent>(), context,
                scope ?? throw new InvalidOperationException("A group handler runs in a write transaction."), ct),
            typeof(IEventBatchHandler<TEvent>).IsAssignableFrom(typeof(THandler))
                ? (services, contexts, scope, ct) => ((IEventBatchHandler<TEvent>)Resolve<THandler>(services)).HandleAsync(
                    [.. contexts.Select(c => (c.Envelope.PayloadAs<TEvent>(), c))], scope, ct)
                : null,
            typeof(IEventInterest<TEvent>).IsAssignableFrom(typeof(THandler))
                ? (services, envelope, ct) => ((IEventInterest<TEvent>)Resolve<THandler>(services)).WantsAsync(envelope.PayloadAs<TEvent>(), ct)
                : null);

    public static EventSubscription EveryInstance<TEvent, THandler>(string consumer)
        where TEvent : IIntegrationEvent where THandler : IInstanceEventHandler<TEvent> =>
        new(consumer, EventSubjects.Of<TEvent>(), EventDelivery.EveryInstance, typeof(THandler), (services, context, _, ct) =>
            Resolve<THandler>(services).HandleAsync(context.Envelope.PayloadAs<TEvent>(), context, ct));

    /// <summary>Runs the handler; <paramref name="scope"/> is the inbox transaction of a group delivery, null for an instance delivery.</summary>
    public Task DispatchAsync(IServiceProvider services, EventContext context, WriteScope? scope, CancellationToken ct) =>
        _dispatch(services, context, scope, ct);

    /// <summary>Whether the consumer wants the event delivered (<see cref="IEventInterest{T}"/>); true when its handler does not say.</summary>
    public ValueTask<bool> WantsAsync(IServiceProvider services, EventEnvelope envelope, CancellationToken ct) =>
        _wants is null ? ValueTask.FromResult(true) : _wants(services, envelope, ct);

    /// <summary>
    /// Runs the handler once for a run of events (in order) in the batch's transaction: its batch form when it has one, else
    /// each event in turn.
    /// </summary>
    public async Task DispatchRunAsync(IServiceProvider services, IReadOnlyList<EventContext> contexts, WriteScope scope, CancellationToken ct)
    {
        if (Delivery != EventDelivery.Group) throw new InvalidOperationException("Only a group handler takes runs of events.");
        if (_dispatchRun is not null)
        {
            await _dispatchRun(services, contexts, scope, ct);
            return;
        }
        foreach (var context in contexts) await _dispatch(services, context, scope, ct);
    }

    private static T Resolve<T>(IServiceProvider services) =>
        (T)(services.GetService(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered."));
}

/// <summary>
/// The history of retained events (see <see cref="IIntegrationEvent.Retained"/>), oldest first: what a read
/// model replays to rebuild itself from scratch.
/// </summary>
public interface IEventLog
{
    IAsyncEnumerable<EventEnvelope> ReadAsync(IReadOnlyCollection<string> subjects, CancellationToken ct);
}
