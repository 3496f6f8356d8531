using System.Collections.Concurrent;
using System.Diagnostics;
using NATS.Client.Core;
using NATS.Client.JetStream;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.Nats;

/// <summary>
/// Publishes to JetStream with the event id as the message id (Nats-Msg-Id), so a second publish of one event
/// within the duplicate window is dropped by the broker. One partition key's events go one after another, each
/// waiting for its ack; different keys go at once.
/// </summary>
internal sealed class NatsTransport(NatsJetStream nats) : IEventTransport
{
    private const int InFlight = 256;

    public string Name => "Nats";

    public bool? Connected => nats.Connected;

    public async Task<PublishOutcome> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        foreach (var producer in batch.Select(e => e.Producer).Distinct()) await nats.EnsureStreamAsync(producer, ct);
        var accepted = new ConcurrentDictionary<Guid, bool>();
        var errors = new ConcurrentDictionary<Guid, string>();
        await Parallel.ForEachAsync(batch.GroupBy(e => e.PartitionKey),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = ct },
            async (key, token) =>
            {
                foreach (var e in key)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                    timeout.CancelAfter(nats.PublishTimeout);
                    try
                    {
                        var body = e.Utf8();
                        var headers = new NatsHeaders();
                        var (parent, state) = OutboxMessage.TraceOf(body);
                        if (parent is not null) headers["traceparent"] = parent;
                        if (state is { Length: > 0 }) headers["tracestate"] = state;
                        if (e.PublishSpan is { } span) Activity.Current = span; // NATS.Net's publish span nests in the relay's
                        var ack = await nats.Context.PublishAsync(nats.WireSubject(e.Subject), body,
                            opts: new NatsJSPubOpts { MsgId = e.EventId.ToString() }, headers: headers, cancellationToken: timeout.Token);
                        // A duplicate is a success: the broker has this event already (EnsureSuccess would throw for it).
                        if (!ack.Duplicate) ack.EnsureSuccess();
                        accepted[e.EventId] = true;
                    }
                    catch (Exception error) when (error is NatsException or TimeoutException
                        || (error is OperationCanceledException && !token.IsCancellationRequested))
                    {
                        errors[e.EventId] = error is OperationCanceledException ? $"No acknowledgement within {nats.PublishTimeout}." : error.Message;
                        break; // the key's later events wait for this one
                    }
                }
            });
        return new PublishOutcome(accepted.Keys.ToHashSet(), errors);
    }

    public Task EnlistAsync(IReadOnlyList<OutboxMessage> published, WriteScope scope, CancellationToken ct) => Task.CompletedTask;

    public Task PublishedAsync(IReadOnlyList<OutboxMessage> published, CancellationToken ct) => Task.CompletedTask;
}
