using Dapper;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>
/// Works through msg_deliveries for the consumer groups this process serves: due deliveries in order, one
/// partition key's events one after another (a delivery waiting for its retry holds back the later ones of its
/// key), several keys at once.
/// </summary>
internal sealed partial class InProcessConsumers(IDatabase db, Subscriptions subscriptions, ConsumerRunner runner, DeliverySignal signal,
    TimeProvider clock, IOptions<MessagingOptions> options, ILogger<InProcessConsumers> log) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (subscriptions.GroupConsumers.Count == 0) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ConsumeOnceAsync(stoppingToken) < BatchSize) await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
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
        var now = UtcMillis.From(clock.GetUtcNow());
        List<Row> due;
        await using (var connection = await db.OpenAsync(ct))
        {
            due = (await connection.QueryAsync<Row>(new CommandDefinition(
                "SELECT d.id, d.consumer, d.partition_key, d.envelope, d.attempts FROM msg_deliveries d " +
                "WHERE d.consumer IN @Consumers AND d.next_attempt_at <= @Now AND NOT EXISTS (SELECT 1 FROM msg_deliveries w " +
                "WHERE w.consumer = d.consumer AND w.partition_key = d.partition_key AND w.id < d.id AND w.next_attempt_at > @Now) " +
                "ORDER BY d.id LIMIT @Limit",
                new { Consumers = subscriptions.GroupConsumers.ToArray(), Now = now, Limit = BatchSize }, cancellationToken: ct))).ToList();
        }
        if (due.Count == 0) return 0;
        var lanes = due.GroupBy(d => (d.Consumer, d.PartitionKey)).ToList();
        await Parallel.ForEachAsync(lanes, new ParallelOptions { MaxDegreeOfParallelism = options.Value.ConsumerParallelism, CancellationToken = ct },
            async (lane, token) =>
            {
                foreach (var delivery in lane)
                {
                    if (!await DeliverAsync(delivery, token)) break; // the rest of the key waits for this one's retry
                }
            });
        return due.Count;
    }

    private async Task<bool> DeliverAsync(Row delivery, CancellationToken ct)
    {
        var envelope = EventEnvelope.FromJson(delivery.Envelope);
        if (subscriptions.Group(delivery.Consumer, envelope.Subject) is not { } subscription)
        {
            await RemoveAsync(delivery.Id, ct); // the consumer no longer subscribes to this subject
            return true;
        }
        var result = await runner.DeliverAsync(subscription, envelope, delivery.Attempts + 1,
            scope => RemoveAsync(delivery.Id, scope, ct), scope => RemoveAsync(delivery.Id, scope, ct), ct);
        if (result is not DeliveryResult.Retry retry) return true;
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

    private static Task RemoveAsync(long id, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(
            new CommandDefinition("DELETE FROM msg_deliveries WHERE id = @Id", new { Id = id }, scope.Transaction, cancellationToken: ct));

    private sealed class Row
    {
        public long Id { get; init; }
        public string Consumer { get; init; } = "";
        public string PartitionKey { get; init; } = "";
        public string Envelope { get; init; } = "";
        public int Attempts { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "In-process event delivery failed; retrying")]
    private partial void LogFailed(Exception error);
}
