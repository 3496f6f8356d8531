using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.Nats;

/// <summary>
/// The connection to NATS JetStream and the naming of what lives there: one stream per producing module
/// (&lt;StreamPrefix&gt;_&lt;PRODUCER&gt;, subjects &lt;SubjectPrefix&gt;promo.&lt;producer&gt;.&gt;, file storage,
/// de-duplication by event id within the duplicate window), created on first use.
/// </summary>
internal sealed class NatsJetStream : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly NatsTransportOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _streams = new();

    public NatsJetStream(IOptions<MessagingOptions> options)
    {
        _options = options.Value.Nats;
        // Started without waiting for the server: publishing fails (and the outbox retries) until it answers.
        // A publish while disconnected fails after the command timeout instead of waiting for the reconnect.
        _connection = new NatsConnection(new NatsOpts
        {
            Url = _options.Url,
            Name = "promotion-engine",
            RetryOnInitialConnect = true,
            PublishTimeoutOnDisconnected = true,
            CommandTimeout = _options.PublishTimeout,
        });
        Context = new NatsJSContext(_connection);
    }

    public NatsJSContext Context { get; }

    public bool Connected => _connection.ConnectionState == NatsConnectionState.Open;

    public NatsConnectionState State => _connection.ConnectionState;

    /// <summary>A round trip to the server (readiness).</summary>
    public ValueTask<TimeSpan> PingAsync(CancellationToken ct) => _connection.PingAsync(ct);

    public string WireSubject(string subject) => _options.SubjectPrefix + subject;

    public string StreamOf(string producer) => $"{_options.StreamPrefix}_{producer.Replace('-', '_').ToUpperInvariant()}";

    public string SubjectsOf(string producer) => $"{_options.SubjectPrefix}{EventSubjects.Root}.{producer}.>";

    /// <summary>Creates (or updates) the producer's stream once per process; a failure is forgotten, so the next call tries again.</summary>
    public Task EnsureStreamAsync(string producer, CancellationToken ct)
    {
        var lazy = _streams.GetOrAdd(producer, p => new Lazy<Task>(() => CreateStreamAsync(p)));
        var task = lazy.Value;
        if (task.IsFaulted) _streams.TryRemove(new KeyValuePair<string, Lazy<Task>>(producer, lazy));
        return task.WaitAsync(ct);
    }

    private async Task CreateStreamAsync(string producer)
    {
        await Context.CreateOrUpdateStreamAsync(new StreamConfig(StreamOf(producer), [SubjectsOf(producer)])
        {
            Storage = StreamConfigStorage.File,
            DuplicateWindow = _options.DuplicateWindow,
            MaxAge = _options.MaxAge,
            NumReplicas = _options.Replicas,
            Retention = StreamConfigRetention.Limits,
        });
    }

    public TimeSpan AckWait => _options.AckWait;

    public TimeSpan PublishTimeout => _options.PublishTimeout;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

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
        await Parallel.ForEachAsync(batch.GroupBy(e => e.PartitionKey), new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = ct },
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

/// <summary>
/// The consumers on JetStream. Each consumer group has one durable pull consumer per stream it reads (durable
/// name = the consumer name, dots as underscores; explicit acks): a handled event is acked, a failure is
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
                    var batch = new List<INatsJSMsg<byte[]>>(FetchSize);
                    await foreach (var msg in js.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = FetchSize, Expires = TimeSpan.FromSeconds(2) }, cancellationToken: stoppingToken))
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
        await Parallel.ForEachAsync(parsed.GroupBy(p => p.Envelope.PartitionKey),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConsumerParallelism, CancellationToken = ct },
            async (lane, token) =>
            {
                foreach (var (msg, envelope) in lane) await HandleAsync(consumer, msg, envelope, token);
            });
    }

    private async Task HandleAsync(string consumer, INatsJSMsg<byte[]> msg, EventEnvelope envelope, CancellationToken ct)
    {
        if (subscriptions.Group(consumer, envelope.Subject) is not { } subscription)
        {
            await msg.AckAsync(cancellationToken: ct); // another event of the stream: not this consumer's business
            return;
        }
        var attempt = (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue);
        switch (await runner.DeliverAsync(subscription, envelope, attempt, null, null, ct))
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
