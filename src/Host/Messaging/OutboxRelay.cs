using System.Globalization;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Host.Messaging;

/// <summary>
/// Publishes the outbox: due rows (delayed ones once their time comes), in order within a partition key, to the
/// transport; published rows leave the outbox (retained ones enter the event log) in one transaction. A row the
/// broker refuses is retried with exponential backoff and holds back the later rows of its key, so their order
/// survives; after the last attempt it becomes a PUBLISH dead letter. One instance relays at a time (a lease);
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

    /// <summary>One round: publishes up to a batch of due rows; returns how many rows it took.</summary>
    public async Task<int> RelayOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await LoadDueAsync(now, options.Value.RelayBatchSize, ct);
        if (rows.Count == 0)
        {
            metrics.OutboxDrained();
            return 0;
        }
        PublishOutcome outcome;
        try
        {
            outcome = await transport.PublishAsync(rows.Select(r => r.Message).ToList(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPublishFailed(e, rows.Count);
            outcome = new PublishOutcome(new HashSet<Guid>(), rows.ToDictionary(r => r.Message.EventId, _ => e.Message));
        }
        var published = rows.Where(r => outcome.Accepted.Contains(r.Message.EventId)).ToList();
        var failed = rows.Where(r => !outcome.Accepted.Contains(r.Message.EventId)).ToList();

        await using (var scope = await db.BeginWriteAsync(ct))
        {
            if (published.Count > 0)
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM msg_outbox WHERE id IN @Ids", new { Ids = published.Select(r => r.Id).ToArray() }, scope.Transaction, cancellationToken: ct));
                await AppendToLogAsync(published.Where(r => r.Retained).ToList(), now, scope, ct);
                await transport.EnlistAsync(published.Select(r => r.Message).ToList(), scope, ct);
            }
            foreach (var row in failed)
            {
                var error = outcome.Errors.GetValueOrDefault(row.Message.EventId) ?? "The broker did not accept the event.";
                await FailAsync(row, error, now, scope, ct);
            }
            await scope.CommitAsync(ct);
        }
        // The lag is counted from when each event fell due: a delayed event is not late before its time.
        metrics.Relayed(published.Count, failed.Count, published.Count > 0 ? now - UtcMillis.ToTime(published.Min(r => r.DueAt)) : null);
        if (published.Count > 0) await transport.PublishedAsync(published.Select(r => r.Message).ToList(), ct);
        return rows.Count;
    }

    private async Task FailAsync(OutboxRow row, string error, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        var attempts = row.Attempts + 1;
        if (attempts >= options.Value.MaxPublishAttempts)
        {
            await deadLetters.AddAsync(DeadLetterStages.Publish, null, row.Message.Envelope, row.Retained, attempts, error, scope, ct);
            await scope.Connection.ExecuteAsync(new CommandDefinition("DELETE FROM msg_outbox WHERE id = @Id", new { row.Id }, scope.Transaction, cancellationToken: ct));
            LogDeadLettered(row.Message.Subject, row.Message.EventId, attempts);
            return;
        }
        var next = UtcMillis.From(now + options.Value.Backoff(attempts));
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_outbox SET attempts = @Attempts, next_attempt_at = @Next, last_error = @Error WHERE id = @Id",
            new { row.Id, Attempts = attempts, Next = next, Error = error.Length <= 4000 ? error : error[..4000] }, scope.Transaction, cancellationToken: ct));
        // The key's later events wait for this one, so they are not published ahead of it.
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_outbox SET next_attempt_at = @Next WHERE partition_key = @Key AND id > @Id AND next_attempt_at < @Next",
            new { row.Id, Key = row.Message.PartitionKey, Next = next }, scope.Transaction, cancellationToken: ct));
    }

    private static Task AppendToLogAsync(IReadOnlyList<OutboxRow> rows, DateTimeOffset now, WriteScope scope, CancellationToken ct)
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

    private async Task<IReadOnlyList<OutboxRow>> LoadDueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<RowData>(new CommandDefinition(
            "SELECT id, event_id, subject, partition_key, retained, due_at, attempts, envelope FROM msg_outbox " +
            "WHERE next_attempt_at <= @Now ORDER BY next_attempt_at, id LIMIT @Limit",
            new { Now = UtcMillis.From(now), Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new OutboxRow(r.Id, r.Retained != 0, r.DueAt, r.Attempts,
            new OutboxMessage(Guid.Parse(r.EventId), r.Subject, r.PartitionKey, r.Envelope))).ToList();
    }

    private sealed record OutboxRow(long Id, bool Retained, long DueAt, int Attempts, OutboxMessage Message);

    private sealed class RowData
    {
        public long Id { get; init; }
        public string EventId { get; init; } = "";
        public string Subject { get; init; } = "";
        public string PartitionKey { get; init; } = "";
        public int Retained { get; init; }
        public long DueAt { get; init; }
        public int Attempts { get; init; }
        public string Envelope { get; init; } = "";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying the outbox failed; retrying")]
    private partial void LogRelayFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The transport refused a batch of {Count} events; they are retried with backoff")]
    private partial void LogPublishFailed(Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Subject} {EventId} could not be published after {Attempts} attempts; moved to the dead letters")]
    private partial void LogDeadLettered(string subject, Guid eventId, int attempts);
}
