using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging.Nats;

/// <summary>
/// The consumers on JetStream. Each consumer group has one durable pull consumer per stream it reads (durable
/// name = the consumer name, dots as underscores; explicit acks). A fetched batch is handled in one transaction per
/// <see cref="MessagingOptions.ConsumerBatchSize"/> messages and acked after its commit; a batch that fails is handled one
/// message per transaction (keys in parallel): a handled event is acked, a failure is
/// nak'ed with backoff, the last attempt becomes a CONSUME dead letter and is terminated. Per-instance
/// subscriptions read through an ordered consumer that starts at the events published since this process
/// started (a little before, so none published while it was being created is missed; instance handlers are
/// idempotent); what came before, the instance rebuilds from the event log.
/// </summary>
internal sealed partial class NatsConsumers(NatsJetStream nats, Subscriptions subscriptions, ConsumerRunner runner, EventDispatcher dispatcher,
    IOptions<MessagingOptions> options, ILogger<NatsConsumers> log) : BackgroundService
{
    private const int FetchSize = 100;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(10); // the broker's clock is wall time

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groups = subscriptions.Groups.GroupBy(s => (s.Consumer, Producer: EventSubjects.ProducerOf(s.Subject)))
            .Select(g => RunGroupAsync(g.Key.Consumer, g.Key.Producer, stoppingToken));
        var instance = subscriptions.InstanceSubjects.Select(EventSubjects.ProducerOf).Distinct().Select(p => RunInstanceAsync(p, stoppingToken));
        return Task.WhenAll(groups.Concat(instance));
    }

    private async Task RunGroupAsync(string consumer, string producer, CancellationToken stoppingToken)
    {
        var durable = consumer.Replace('.', '_');
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await nats.EnsureStreamAsync(producer, stoppingToken);
                var js = await nats.Context.CreateOrUpdateConsumerAsync(nats.StreamOf(producer), new ConsumerConfig(durable)
                {
                    DurableName = durable,
                    AckPolicy = ConsumerConfigAckPolicy.Explicit,
                    DeliverPolicy = ConsumerConfigDeliverPolicy.All,
                    FilterSubject = nats.SubjectsOf(producer),
                    AckWait = nats.AckWait,
                    MaxDeliver = -1, // the consumer counts attempts and dead-letters the last one itself
                    MaxAckPending = 10_000,
                }, stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var fetch = Math.Max(FetchSize, options.Value.ConsumerBatchSize);
                    var batch = new List<INatsJSMsg<byte[]>>(fetch);
                    await foreach (var msg in js.FetchAsync<byte[]>(
                        new NatsJSFetchOpts { MaxMsgs = fetch, Expires = TimeSpan.FromSeconds(2) }, cancellationToken: stoppingToken))
                        batch.Add(msg);
                    if (batch.Count > 0) await HandleBatchAsync(consumer, batch, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumerFailed(e, consumer, producer); // the server is away: the client reconnects, the consumer is recreated
                if (!await Pause.ForAsync(TimeSpan.FromSeconds(1), stoppingToken)) return;
            }
        }
    }

    private async Task HandleBatchAsync(string consumer, List<INatsJSMsg<byte[]>> batch, CancellationToken ct)
    {
        var parsed = new List<(INatsJSMsg<byte[]> Msg, EventEnvelope Envelope)>(batch.Count);
        foreach (var msg in batch)
        {
            try
            {
                parsed.Add((msg, EventEnvelope.FromJson(msg.Data ?? [])));
            }
            catch (System.Text.Json.JsonException e)
            {
                LogUnreadable(e, consumer, msg.Subject); // not an event of ours: never deliver it again
                await msg.AckTerminateAsync(cancellationToken: ct);
            }
        }
        if (options.Value.ConsumerBatchSize == 1)
        {
            await HandleOneByOneAsync(consumer, parsed, ct);
            return;
        }
        var ours = new List<(INatsJSMsg<byte[]> Msg, EventSubscription Subscription, EventContext Context)>(parsed.Count);
        foreach (var (msg, envelope) in parsed)
        {
            if (subscriptions.Group(consumer, envelope.Subject) is { } subscription)
                ours.Add((msg, subscription, new EventContext(envelope, Attempt(msg))));
            else
                await msg.AckAsync(cancellationToken: ct); // another event of the stream: not this consumer's business
        }
        foreach (var chunk in ours.Chunk(options.Value.ConsumerBatchSize))
        {
            if (await runner.DeliverBatchAsync(consumer, [.. chunk.Select(c => (c.Subscription, c.Context))], null, inbox: true, ct))
            {
                foreach (var handled in chunk) await handled.Msg.AckAsync(cancellationToken: ct); // after the commit
                continue;
            }
            await HandleOneByOneAsync(consumer, [.. chunk.Select(c => (c.Msg, c.Context.Envelope))], ct);
        }
    }

    /// <summary>Each message in its own transaction, keys in parallel, a key's messages one after another.</summary>
    private Task HandleOneByOneAsync(string consumer, List<(INatsJSMsg<byte[]> Msg, EventEnvelope Envelope)> parsed, CancellationToken ct) =>
        Parallel.ForEachAsync(parsed.GroupBy(p => p.Envelope.PartitionKey),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConsumerParallelism, CancellationToken = ct },
            async (lane, token) =>
            {
                foreach (var (msg, envelope) in lane) await HandleAsync(consumer, msg, envelope, token);
            });

    private static int Attempt(INatsJSMsg<byte[]> msg) => (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue);

    private async Task HandleAsync(string consumer, INatsJSMsg<byte[]> msg, EventEnvelope envelope, CancellationToken ct)
    {
        if (subscriptions.Group(consumer, envelope.Subject) is not { } subscription)
        {
            await msg.AckAsync(cancellationToken: ct); // another event of the stream: not this consumer's business
            return;
        }
        switch (await runner.DeliverAsync(subscription, envelope, Attempt(msg), null, inbox: true, null, ct))
        {
            case DeliveryResult.Retry retry:
                await msg.NakAsync(new AckOpts { NakDelay = retry.Delay }, ct);
                break;
            case DeliveryResult.DeadLettered:
                await msg.AckTerminateAsync(cancellationToken: ct);
                break;
            default:
                await msg.AckAsync(cancellationToken: ct);
                break;
        }
    }

    private async Task RunInstanceAsync(string producer, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await nats.EnsureStreamAsync(producer, stoppingToken);
                var ordered = await nats.Context.CreateOrderedConsumerAsync(nats.StreamOf(producer), new NatsJSOrderedConsumerOpts
                {
                    DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime,
                    OptStartTime = _startedAt,
                    FilterSubjects = [nats.SubjectsOf(producer)],
                }, stoppingToken);
                await foreach (var msg in ordered.ConsumeAsync<byte[]>(cancellationToken: stoppingToken))
                {
                    EventEnvelope envelope;
                    try { envelope = EventEnvelope.FromJson(msg.Data ?? []); }
                    catch (System.Text.Json.JsonException e) { LogUnreadable(e, "every instance", msg.Subject); continue; }
                    var handlers = subscriptions.InstanceFor(envelope.Subject);
                    if (handlers.Count > 0) await dispatcher.HandleInstanceAsync(handlers, envelope, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumerFailed(e, "every instance", producer);
                if (!await Pause.ForAsync(TimeSpan.FromSeconds(1), stoppingToken)) return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS consumer {Consumer} on {Producer} failed; recreating it")]
    private partial void LogConsumerFailed(Exception error, string consumer, string producer);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Consumer} received a message on {Subject} that is not an event envelope; it is dropped")]
    private partial void LogUnreadable(Exception error, string consumer, string subject);
}
