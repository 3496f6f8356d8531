using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform.Messaging.Outbox;

/// <summary>
/// Publishes the outbox: due rows (delayed ones once their time comes), in order within a partition key, to the
/// transport; published rows leave the outbox (retained ones enter the event log) in one transaction. A row the
/// broker refuses is retried with exponential backoff and holds back the later rows of its key (written before or
/// during its retries) until it is published, so their order survives; after the last attempt it becomes a PUBLISH
/// dead letter and the key's later rows go on. One instance relays at a time (a lease);
/// a crash between publishing and that transaction publishes again, which the broker's de-duplication by event
/// id and every consumer's inbox absorb.
/// </summary>
internal sealed partial class OutboxRelay(IDatabase db, IEventTransport transport, DeadLetters deadLetters, EventDispatcher dispatcher,
    OutboxSignal signal, InstanceIdentity instance, MessagingMetrics metrics, TimeProvider clock, IOptions<MessagingOptions> options,
    ILogger<OutboxRelay> log) : BackgroundService
{
    private static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lease = new SqlLease(db, clock, instance, "outbox-relay", LeaseLength);
        var nextPurge = DateTime.UtcNow;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await lease.HoldAsync(stoppingToken))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                var relayed = await RelayOnceAsync(stoppingToken);
                if (DateTime.UtcNow >= nextPurge)
                {
                    nextPurge = DateTime.UtcNow + PurgeEvery;
                    await dispatcher.PurgeInboxAsync(options.Value.InboxRetention, stoppingToken);
                }
                // A full round may have left more due: look again at once. Otherwise what was due went out, and the next
                // event recorded signals (a delayed one is found by the poll); an empty look per round would cost a query.
                if (relayed < options.Value.RelayBatchSize) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogRelayFailed(e); // the database is down or busy: try again shortly
                if (!await Pause.ForAsync(TimeSpan.FromSeconds(1), stoppingToken)) break;
            }
        }
        try { await lease.ReleaseAsync(CancellationToken.None); } catch (Exception e) { LogRelayFailed(e); }
    }

    /// <summary>One round: publishes up to a batch of due events; returns how many events it took.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await LoadDueAsync(now, options.Value.RelayBatchSize, ct);
        if (rows.Count == 0)
        {
            metrics.OutboxDrained();
            return 0;
        }
        var messages = rows.SelectMany(r => r.Messages).ToList();
        StartPublishSpans(messages);
        PublishOutcome? published = null;
        try
        {
            published = await transport.PublishAsync(messages, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPublishFailed(e, messages.Count);
            published = new PublishOutcome(new HashSet<Guid>(), messages.ToDictionary(m => m.EventId, _ => e.Message));
        }
        finally
        {
            EndPublishSpans(messages, published);
        }
        var outcome = published;
        var accepted = messages.Where(m => outcome.Accepted.Contains(m.EventId)).ToList();
        var done = rows.Where(r => r.Messages.All(m => outcome.Accepted.Contains(m.EventId))).ToList();
        var left = rows.Except(done).ToList();

        await using (var scope = await db.BeginWriteAsync(ct))
        {
            if (done.Count > 0)
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM msg_outbox WHERE id IN @Ids", new { Ids = done.Select(r => r.Id).ToArray() },
                    scope.Transaction, cancellationToken: ct));
                await AppendToLogAsync(done.Where(r => r.Retained).SelectMany(r => r.Messages.Select(m => (r.Id, m))).ToList(), now, scope, ct);
            }
            if (accepted.Count > 0) await transport.EnlistAsync(accepted, scope, ct);
            var heldUntil = new Dictionary<string, long>(); // per key, the latest retry time of this round's refused rows
            foreach (var row in left)
            {
                var remaining = row.Messages.Where(m => !outcome.Accepted.Contains(m.EventId)).ToList();
                var error = outcome.Errors.GetValueOrDefault(remaining[0].EventId) ?? "The broker did not accept the event.";
                await FailAsync(row, remaining, error, now, heldUntil, scope, ct);
            }
            await scope.CommitAsync(ct);
        }
        // The lag is counted from when each event fell due: a delayed event is not late before its time.
        metrics.Relayed(accepted, messages.Count - accepted.Count, accepted.Count > 0 ? now - UtcMillis.ToTime(rows.Min(r => r.DueAt)) : null);
        if (accepted.Count > 0) await transport.PublishedAsync(accepted, ct);
        return messages.Count;
    }

    /// <summary>
    /// The row's events that were not accepted wait with backoff (a packed row keeps only those), and hold back
    /// the later rows of their keys; after the last attempt each becomes a dead letter of its own.
    /// </summary>
    private async Task FailAsync(OutboxRow row, IReadOnlyList<OutboxMessage> remaining, string error, DateTimeOffset now,
        Dictionary<string, long> heldUntil, WriteScope scope, CancellationToken ct)
    {
        var attempts = row.Attempts + 1;
        if (attempts >= options.Value.MaxPublishAttempts)
        {
            foreach (var message in remaining)
            {
                await deadLetters.AddAsync(DeadLetterStages.Publish, null, message.Envelope, row.Retained, attempts, error, scope, ct);
                LogDeadLettered(message.Subject, message.EventId, attempts);
            }
            await scope.Connection.ExecuteAsync(
                new CommandDefinition("DELETE FROM msg_outbox WHERE id = @Id", new { row.Id }, scope.Transaction, cancellationToken: ct));
            return;
        }
        // Never before an earlier refused row of one of its keys: each row's backoff has its own jitter.
        var keys = remaining.Select(m => m.PartitionKey).Distinct().ToArray();
        var next = keys.Aggregate(UtcMillis.From(now + options.Value.Backoff(attempts)), (at, key) => Math.Max(at, heldUntil.GetValueOrDefault(key)));
        foreach (var key in keys) heldUntil[key] = next;
        var clipped = error.Length <= 4000 ? error : error[..4000];
        if (remaining.Count < row.Messages.Count)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE msg_outbox SET envelope = '', packed = @Packed, event_count = @Count, attempts = @Attempts, next_attempt_at = @Next, " +
                "last_error = @Error WHERE id = @Id",
                new
                {
                    row.Id, Packed = OutboxMessage.Pack(remaining.Select(m => m.Json)), Count = remaining.Count, Attempts = attempts, Next = next,
                    Error = clipped,
                },
                scope.Transaction, cancellationToken: ct));
        }
        else
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE msg_outbox SET attempts = @Attempts, next_attempt_at = @Next, last_error = @Error WHERE id = @Id",
                new { row.Id, Attempts = attempts, Next = next, Error = clipped }, scope.Transaction, cancellationToken: ct));
        }
        // The keys' later events wait for these, so they are not published ahead of them (rows of one event carry their key).
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_outbox SET next_attempt_at = @Next WHERE partition_key IN @Keys AND id > @Id AND next_attempt_at < @Next",
            new { row.Id, Keys = keys, Next = next }, scope.Transaction, cancellationToken: ct));
    }

    /// <summary>
    /// One Producer span per event, in the trace of the request that recorded it (the context its envelope carries), so a
    /// claim's trace goes on through the relay to each consumer. Only when something listens: a round costs no parsing otherwise.
    /// </summary>
    private void StartPublishSpans(IReadOnlyList<OutboxMessage> messages)
    {
        if (!EventDispatcher.Source.HasListeners()) return;
        var current = Activity.Current;
        foreach (var message in messages)
        {
            var (parent, state) = OutboxMessage.TraceOf(message.Utf8());
            ActivityContext.TryParse(parent, state, out var context);
            var span = EventDispatcher.Source.StartActivity("publish " + message.Subject, ActivityKind.Producer, context);
            span?.SetTag("messaging.system", transport.Name.ToLowerInvariant());
            span?.SetTag("messaging.operation.type", "send");
            span?.SetTag("messaging.destination.name", message.Subject);
            span?.SetTag("messaging.message.id", message.EventId.ToString());
            span?.SetTag("messaging.batch.message_count", messages.Count);
            message.PublishSpan = span;
        }
        Activity.Current = current; // each start made its span current; the round itself is in no event's trace
    }

    private static void EndPublishSpans(IReadOnlyList<OutboxMessage> messages, PublishOutcome? outcome)
    {
        foreach (var message in messages)
        {
            if (message.PublishSpan is not { } span) continue;
            if (outcome is null) span.SetStatus(ActivityStatusCode.Error, "The publish was cancelled.");
            else if (!outcome.Accepted.Contains(message.EventId))
                span.SetStatus(ActivityStatusCode.Error, outcome.Errors.GetValueOrDefault(message.EventId) ?? "The broker did not accept the event.");
            span.Stop();
            message.PublishSpan = null;
        }
    }

    private static Task AppendToLogAsync(
        IReadOnlyList<(long Id, OutboxMessage Message)> rows, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        if (rows.Count == 0) return Task.CompletedTask;
        var sql = new StringBuilder("INSERT INTO msg_event_log (id, event_id, subject, envelope, published_at) VALUES ");
        var args = new DynamicParameters(new { Now = UtcMillis.From(now) });
        for (var i = 0; i < rows.Count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? "" : ", ").Append($"(@i{n}, @e{n}, @s{n}, @v{n}, @Now)");
            args.Add("i" + n, rows[i].Id);
            args.Add("e" + n, rows[i].Message.EventId.ToString());
            args.Add("s" + n, rows[i].Message.Subject);
            args.Add("v" + n, rows[i].Message.Json);
        }
        return scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
    }

    /// <summary>
    /// Due rows in publication order, as many as make up at most <paramref name="limit"/> events (always at least one
    /// row). Chosen by id and event count first, then only those rows' envelopes are read: a packed row holds
    /// hundreds of events, so reading a full page of rows could hold far more than a round publishes.
    /// </summary>
    private async Task<IReadOnlyList<OutboxRow>> LoadDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        // A row waits while an earlier row of its key is being retried, whenever that one comes due: backoff has jitter,
        // and a row written during the retries is due at once, so due times alone would let it overtake.
        var candidates = await connection.QueryAsync<(long Id, int EventCount)>(new CommandDefinition(
            """
            SELECT o.id, o.event_count FROM msg_outbox o
            WHERE o.next_attempt_at <= @Now
              AND (o.partition_key = '*' OR NOT EXISTS (
                SELECT 1 FROM msg_outbox r WHERE r.partition_key = o.partition_key AND r.id < o.id AND r.attempts > 0))
            ORDER BY o.next_attempt_at, o.id LIMIT @Limit
            """,
            new { Now = UtcMillis.From(now), Limit = limit }, cancellationToken: ct));
        var chosen = new List<long>();
        var events = 0;
        foreach (var (id, count) in candidates)
        {
            if (chosen.Count > 0 && events + count > limit) break;
            events += count;
            chosen.Add(id);
        }
        if (chosen.Count == 0) return [];
        var data = (await connection.QueryAsync<RowData>(new CommandDefinition(
            "SELECT id, event_id, subject, partition_key, retained, due_at, attempts, event_count, envelope, packed FROM msg_outbox WHERE id IN @Ids",
            new { Ids = chosen }, cancellationToken: ct))).ToDictionary(r => r.Id);
        var rows = new List<OutboxRow>(chosen.Count);
        foreach (var id in chosen)
        {
            if (!data.TryGetValue(id, out var r)) continue; // withdrawn (a cancelled schedule) between the two reads
            IReadOnlyList<OutboxMessage> messages = r.Packed is not null ? OutboxMessage.Unpack(r.Packed)
                : r.EventCount == 1 ? [new OutboxMessage(Guid.Parse(r.EventId), r.Subject, r.PartitionKey, r.Envelope)]
                : OutboxMessage.UnpackText(r.Envelope);
            rows.Add(new OutboxRow(r.Id, r.Retained != 0, r.DueAt, r.Attempts, messages));
        }
        return rows;
    }

    private sealed record OutboxRow(long Id, bool Retained, long DueAt, int Attempts, IReadOnlyList<OutboxMessage> Messages);

    private sealed class RowData
    {
        public long Id { get; init; }
        public string EventId { get; init; } = "";
        public string Subject { get; init; } = "";
        public string PartitionKey { get; init; } = "";
        public int Retained { get; init; }
        public long DueAt { get; init; }
        public int Attempts { get; init; }
        public int EventCount { get; init; }
        public string Envelope { get; init; } = "";
        public byte[]? Packed { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the outbox failed; retrying")]
    private partial void LogRelayFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The transport refused a batch of {Count} events; they are retried with backoff")]
    private partial void LogPublishFailed(Exception error, int count);

    [LoggerMessage(
        Level = LogLevel.Error, Message = "Event {Subject} {EventId} could not be published after {Attempts} attempts; moved to the dead letters")]
    private partial void LogDeadLettered(string subject, Guid eventId, int attempts);
}
