using System.Collections.Concurrent;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>
/// Works through msg_deliveries for the consumer groups this process serves: due deliveries in order, one
/// partition key's events one after another (a delivery waiting for its retry holds back the later ones of its
/// key). A consumer takes its due deliveries in batches of up to <see cref="MessagingOptions.ConsumerBatchSize"/> events, one
/// transaction each; a delivery that packs several events (<see cref="Deliveries"/>) is one unit of a batch, handled whole. A batch
/// that fails is handled one event per transaction, several keys at once: its packed deliveries are first split into deliveries of
/// one event each, which then follow the single-event rules (retry with backoff, their key held back, a dead letter of their own).
/// </summary>
internal sealed partial class InProcessConsumers(IDatabase db, Subscriptions subscriptions, Roles roles, ConsumerRunner runner,
    DeliverySignal signal, TimeProvider clock, IOptions<MessagingOptions> options, ILogger<InProcessConsumers> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.GroupConsumers.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ConsumeOnceAsync(stoppingToken) < RoundSize) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogFailed(e);
                if (!await Pause.ForAsync(TimeSpan.FromSeconds(1), stoppingToken)) break;
            }
        }
    }

    /// <summary>One round over the due deliveries; returns how many it took.</summary>
    public async Task<int> ConsumeOnceAsync(CancellationToken ct)
    {
        var due = await DueAsync(ct);
        if (due.Count > 0) await HandleAsync(due, ct);
        return due.Count;
    }

    /// <summary>The deliveries due now, a round's worth per consumer (see <see cref="_dueSql"/>).</summary>
    internal async Task<IReadOnlyList<Row>> DueAsync(CancellationToken ct)
    {
        var args = new DynamicParameters(new { Now = UtcMillis.From(clock.GetUtcNow()), Limit = RoundSize });
        for (var i = 0; i < subscriptions.GroupConsumers.Count; i++)
            args.Add("c" + i.ToString(CultureInfo.InvariantCulture), subscriptions.GroupConsumers[i]);
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(_dueSql, args, cancellationToken: ct))).ToList();
    }

    /// <summary>
    /// Handles deliveries read before, consumers in parallel. A delivery that another round took meanwhile is not handled again:
    /// each transaction deletes its deliveries first and goes on only when it deleted them all.
    /// </summary>
    internal async Task HandleAsync(IReadOnlyList<Row> due, CancellationToken ct)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConsumerParallelism, CancellationToken = ct };
        if (options.Value.ConsumerBatchSize > 1)
        {
            await Parallel.ForEachAsync(
                due.GroupBy(d => d.Consumer), parallel, (group, token) => new ValueTask(ConsumeInBatchesAsync([.. group], token)));
            return;
        }
        // Packed while batches were larger: split first, and the next round delivers the round's events one by one, in order.
        if (due.Where(d => d.Packed is not null).ToList() is { Count: > 0 } packed)
        {
            await SplitAsync(packed, ct);
            signal.Notify();
            return;
        }
        await DeliverOneByOneAsync(due, [], parallel);
    }

    /// <summary>
    /// Each consumer's first due deliveries in id order (walking its index in id order, so a backlog is not sorted whole), up to a
    /// round each, leaving out those behind an earlier delivery of their key that waits for its retry.
    /// </summary>
    private readonly string _dueSql = string.Join(" UNION ALL ", subscriptions.GroupConsumers.Select((_, i) =>
        "SELECT * FROM (SELECT d.id, d.consumer, d.partition_key, d.envelope, d.packed, d.event_count, d.attempts FROM msg_deliveries d " +
        (db.Dialect == SqlDialect.MySql ? "FORCE INDEX (ix_msg_deliveries_order) " : "INDEXED BY ix_msg_deliveries_order ") +
        $"WHERE d.consumer = @c{i.ToString(CultureInfo.InvariantCulture)} AND d.next_attempt_at <= @Now " +
        "AND NOT EXISTS (SELECT 1 FROM msg_deliveries w " +
        "WHERE w.consumer = d.consumer AND w.partition_key = d.partition_key AND w.id < d.id AND w.next_attempt_at > @Now) " +
        $"ORDER BY d.id LIMIT @Limit) AS due{i.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>How many deliveries one round takes (at least one batch's worth).</summary>
    private int RoundSize => Math.Max(200, options.Value.ConsumerBatchSize);

    /// <summary>
    /// One consumer's due deliveries, a batch per transaction, one batch after another (a key's events may span two). A batch that
    /// fails is handled one by one; a key left waiting for a retry then holds back its events in the later batches too. A packed
    /// delivery holding an event whose key waits for a retry (of an earlier delivery, or one of this round) is split, and the rest
    /// of the round is left to the next one, which holds back or takes its events like any others.
    /// </summary>
    private async Task ConsumeInBatchesAsync(IReadOnlyList<Row> deliveries, CancellationToken ct)
    {
        var held = new HashSet<string>();
        var retried = deliveries.Any(d => d.Packed is not null)
            ? await RetriedAsync(deliveries[0].Consumer, ct)
            : new Dictionary<string, long>();
        var batch = new List<Row>();
        var size = 0;
        foreach (var delivery in deliveries)
        {
            if (delivery.Packed is null && held.Contains(delivery.PartitionKey)) continue;
            if (batch.Count > 0 && size + delivery.EventCount > options.Value.ConsumerBatchSize)
            {
                await ConsumeBatchAsync(batch, held, ct);
                (batch, size) = ([], 0);
            }
            if (delivery.Packed is not null && delivery.Messages().Any(m =>
                held.Contains(m.PartitionKey) || (retried.TryGetValue(m.PartitionKey, out var first) && first < delivery.Id)))
            {
                if (batch.Count > 0) await ConsumeBatchAsync(batch, held, ct);
                await SplitAsync([delivery], ct);
                signal.Notify();
                return;
            }
            batch.Add(delivery);
            size += delivery.EventCount;
        }
        if (batch.Count > 0) await ConsumeBatchAsync(batch, held, ct);
    }

    /// <summary>One batch in one transaction; when it fails, its packed deliveries are split and its events handled one by one.</summary>
    private async Task ConsumeBatchAsync(IReadOnlyList<Row> batch, HashSet<string> held, CancellationToken ct)
    {
        if (Parse(batch) is { } items && await runner.DeliverBatchAsync(batch[0].Consumer, items,
            scope => TakeAsync([.. batch.Select(d => d.Id)], scope, ct), items.Any(i => MayRepeat(i.Item2.Envelope)), ct))
            return;
        var singles = batch.Any(d => d.Packed is not null) ? await SplitAsync(batch, ct) : batch;
        await DeliverOneByOneAsync(singles, held,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConsumerParallelism, CancellationToken = ct });
    }

    /// <summary>
    /// The partition keys of the consumer's deliveries that have failed before (waiting for their retry, or due again), with the
    /// first of each: a packed delivery after one of them must not run ahead of it. Asked only while there may be any: a process
    /// start does not know, each retry this process records says so, and an answer of none says no more until the next retry (this
    /// transport serves one running instance, so no other process records retries).
    /// </summary>
    private async Task<Dictionary<string, long>> RetriedAsync(string consumer, CancellationToken ct)
    {
        var recorded = _retriesRecorded.GetValueOrDefault(consumer);
        if (_noRetriesAsOf.TryGetValue(consumer, out var asOf) && asOf == recorded) return [];
        await using var connection = await db.OpenAsync(ct);
        var retried = (await connection.QueryAsync<(string Key, long First)>(new CommandDefinition(
                "SELECT partition_key, MIN(id) FROM msg_deliveries WHERE consumer = @Consumer AND attempts > 0 GROUP BY partition_key",
                new { Consumer = consumer }, cancellationToken: ct)))
            .ToDictionary(r => r.Key, r => r.First);
        if (retried.Count == 0) _noRetriesAsOf[consumer] = recorded;
        return retried;
    }

    /// <summary>Per consumer, how many retries this process has recorded, and how many it had when the database held none.</summary>
    private readonly ConcurrentDictionary<string, long> _retriesRecorded = new(), _noRetriesAsOf = new();

    /// <summary>
    /// Replaces the packed deliveries among <paramref name="deliveries"/> with deliveries of one event each, in one transaction, each
    /// at its place in the order (<see cref="Deliveries"/>). Returns the deliveries with the split ones in their places; a packed one
    /// another round took meanwhile is left out.
    /// </summary>
    private async Task<IReadOnlyList<Row>> SplitAsync(IReadOnlyList<Row> deliveries, CancellationToken ct)
    {
        var result = new List<Row>(deliveries.Count);
        var written = new List<Deliveries.Delivery>();
        await using var scope = await db.BeginWriteAsync(ct);
        foreach (var delivery in deliveries)
        {
            if (delivery.Packed is null)
            {
                result.Add(delivery);
                continue;
            }
            if (!await TakeAsync([delivery.Id], scope, ct)) continue;
            var singles = Deliveries.Split(delivery.Id, delivery.Consumer, delivery.Messages()).ToList();
            written.AddRange(singles);
            result.AddRange(singles.Select(d => new Row
            {
                Id = d.Id, Consumer = d.Consumer, PartitionKey = d.PartitionKey, Envelope = d.Envelope, EventCount = 1, Attempts = 0,
            }));
        }
        await Deliveries.InsertAsync(written, UtcMillis.From(clock.GetUtcNow()), scope, ct);
        await scope.CommitAsync(ct);
        return result;
    }

    /// <summary>The batch's events for their subscriptions (a delivery to a subject no longer subscribed is only removed); null when one is unreadable.</summary>
    private List<(EventSubscription, EventContext)>? Parse(IReadOnlyList<Row> batch)
    {
        var items = new List<(EventSubscription, EventContext)>(batch.Sum(d => d.EventCount));
        foreach (var delivery in batch)
        {
            try
            {
                foreach (var json in delivery.Envelopes())
                {
                    var envelope = EventEnvelope.FromJson(json);
                    if (subscriptions.Group(delivery.Consumer, envelope.Subject) is { } subscription)
                        items.Add((subscription, new EventContext(envelope, delivery.Attempts + 1)));
                }
            }
            catch (System.Text.Json.JsonException) { return null; } // the one-by-one path reports it
        }
        return items;
    }

    /// <summary>Today's path: each delivery in its own transaction, keys in parallel, a key's events one after another.</summary>
    private Task DeliverOneByOneAsync(IEnumerable<Row> deliveries, HashSet<string> held, ParallelOptions parallel) =>
        Parallel.ForEachAsync(deliveries.GroupBy(d => (d.Consumer, d.PartitionKey)), parallel, async (lane, token) =>
        {
            foreach (var delivery in lane)
            {
                if (await DeliverAsync(delivery, token)) continue;
                lock (held) held.Add(lane.Key.PartitionKey); // the rest of the key waits for this one's retry
                break;
            }
        });

    private async Task<bool> DeliverAsync(Row delivery, CancellationToken ct)
    {
        var envelope = EventEnvelope.FromJson(delivery.Envelope);
        if (subscriptions.Group(delivery.Consumer, envelope.Subject) is not { } subscription)
        {
            await RemoveAsync(delivery.Id, ct); // the consumer no longer subscribes to this subject
            return true;
        }
        var result = await runner.DeliverAsync(subscription, envelope, delivery.Attempts + 1,
            scope => TakeAsync([delivery.Id], scope, ct), MayRepeat(envelope), scope => RemoveAsync(delivery.Id, scope, ct), ct);
        if (result is not DeliveryResult.Retry retry) return true;
        _retriesRecorded.AddOrUpdate(delivery.Consumer, 1, (_, n) => n + 1); // before it is written: a look meanwhile asks the database
        await using var write = await db.BeginWriteAsync(ct);
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_deliveries SET attempts = attempts + 1, next_attempt_at = @Next, last_error = @Error WHERE id = @Id",
            new
            {
                delivery.Id, Next = UtcMillis.From(clock.GetUtcNow() + retry.Delay),
                Error = retry.Error.Length <= 4000 ? retry.Error : retry.Error[..4000],
            },
            write.Transaction, cancellationToken: ct));
        await write.CommitAsync(ct);
        return false;
    }

    private async Task RemoveAsync(long id, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        await RemoveAsync(id, scope, ct);
        await scope.CommitAsync(ct);
    }

    /// <summary>
    /// Whether the event's id may come twice, so the consumer's inbox must record it: our modules' events are recorded once each
    /// under a new id and delivered once (the relay records their deliveries in the commit that takes them out of the outbox), but an
    /// outside producer chooses its ids (the shop's order events posted to the embedded default), and a retry of its repeats one.
    /// </summary>
    private bool MayRepeat(EventEnvelope envelope) => !roles.Knows(envelope.Producer);

    /// <summary>
    /// Deletes the deliveries first in the transaction that handles them, which keeps them locked until it commits: a delivery is
    /// handled in the commit that removes it, so the consumer needs no inbox for our modules' events. False when another round (or instance) took one
    /// of them first: the handling is rolled back, and what is left is found again by the next round.
    /// </summary>
    private static async Task<bool> TakeAsync(long[] ids, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM msg_deliveries WHERE id IN @Ids", new { Ids = ids }, scope.Transaction, cancellationToken: ct)) == ids.Length;

    private static Task RemoveAsync(long id, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM msg_deliveries WHERE id = @Id", new { Id = id }, scope.Transaction, cancellationToken: ct));

    internal sealed class Row
    {
        private List<OutboxMessage>? _messages;

        public long Id { get; init; }
        public string Consumer { get; init; } = "";
        public string PartitionKey { get; init; } = "";
        public string Envelope { get; init; } = "";
        public byte[]? Packed { get; init; }
        public int EventCount { get; init; } = 1;
        public int Attempts { get; init; }

        /// <summary>The envelopes it delivers, in order.</summary>
        public IReadOnlyList<string> Envelopes() => Packed is null ? [Envelope] : [.. Messages().Select(m => m.Json)];

        /// <summary>A packed delivery's events, each read for its id, subject and key (unpacked once).</summary>
        public List<OutboxMessage> Messages() => Packed is null
            ? throw new InvalidOperationException("A delivery of one event carries its envelope, not packed events.")
            : _messages ??= OutboxMessage.Unpack(Packed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "In-process event delivery failed; retrying")]
    private partial void LogFailed(Exception error);
}
