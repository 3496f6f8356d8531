using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// Events that ran out of attempts, kept whole in msg_dead_letters until an operator replays them: a
/// PUBLISH letter goes back into the outbox, a CONSUME letter is handed to its consumer again (through the
/// inbox, so an event the consumer handled meanwhile is not applied twice).
/// </summary>
internal sealed class DeadLetters(IDatabase db, IdGenerator ids, TimeProvider clock, Subscriptions subscriptions, EventDispatcher dispatcher,
    OutboxSignal signal, IKeyedRequests keys)
{
    private const string Columns = "id, stage, consumer, envelope, retained, attempts, last_error, dead_at, replayed_at";

    public Task AddAsync(
        string stage, string? consumer, EventEnvelope envelope, bool retained, int attempts, string error, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO msg_dead_letters (id, stage, consumer, event_id, subject, envelope, retained, attempts, last_error, dead_at, replayed_at) " +
            "VALUES (@Id, @Stage, @Consumer, @EventId, @Subject, @Envelope, @Retained, @Attempts, @Error, @At, NULL)",
            new
            {
                Id = ids.Next(), Stage = stage, Consumer = consumer, EventId = envelope.EventId.ToString(), envelope.Subject,
                Envelope = envelope.ToJson(), Retained = retained ? 1 : 0, Attempts = attempts, Error = Clip(error),
                At = UtcMillis.From(clock.GetUtcNow()),
            }, scope.Transaction, cancellationToken: ct));

    /// <summary>Newest first; <paramref name="open"/> true lists those not replayed yet, false those replayed, null both.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(bool? open, string? consumer, long? before, int limit, CancellationToken ct)
    {
        var where = new List<string>();
        if (open is true) where.Add("replayed_at IS NULL");
        if (open is false) where.Add("replayed_at IS NOT NULL");
        if (consumer is not null) where.Add("consumer = @Consumer");
        if (before is not null) where.Add("id < @Before");
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM msg_dead_letters{(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")} ORDER BY id DESC LIMIT @Limit",
            new { Consumer = consumer, Before = before, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToLetter()).ToList();
    }

    public async Task<long> CountOpenAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT COUNT(*) FROM msg_dead_letters WHERE replayed_at IS NULL", cancellationToken: ct));
    }

    public async Task<ReplayOutcome> ReplayAsync(long id, CancellationToken ct)
    {
        var letter = await FindAsync(id, ct);
        if (letter is null) return new ReplayOutcome.NotFound();
        if (letter.ReplayedAt is not null) return new ReplayOutcome.AlreadyReplayed(letter);
        if (letter.Stage == DeadLetterStages.Publish) return await RequeueAsync(letter, ct);

        if (subscriptions.Group(letter.Consumer!, letter.Envelope.Subject) is not { } subscription) return new ReplayOutcome.ConsumerNotHere(letter);
        try
        {
            await dispatcher.HandleAsync(
                subscription, letter.Envelope, letter.Attempts + 1, null, inbox: true, scope => MarkReplayedAsync(letter.Id, scope, ct), ct);
            return new ReplayOutcome.Replayed(letter with { ReplayedAt = clock.GetUtcNow() });
        }
        catch (Exception e) when (e is not (OperationCanceledException or KeyedRequestTakenException))
        {
            await using var scope = await db.BeginWriteAsync(ct);
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE msg_dead_letters SET attempts = attempts + 1, last_error = @Error WHERE id = @Id",
                new { Id = id, Error = Clip(e.ToString()) }, scope.Transaction, cancellationToken: ct));
            await scope.CommitAsync(ct);
            return new ReplayOutcome.FailedAgain(letter with { Attempts = letter.Attempts + 1, LastError = e.Message }, e.Message);
        }
    }

    private async Task<ReplayOutcome> RequeueAsync(DeadLetter letter, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        var now = UtcMillis.From(clock.GetUtcNow());
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO msg_outbox (id, event_id, subject, partition_key, retained, due_at, schedule_key, envelope, attempts, next_attempt_at, " +
            "last_error, created_at) VALUES (@Id, @EventId, @Subject, @Key, @Retained, @Now, NULL, @Envelope, 0, @Now, NULL, @Now)",
            new
            {
                Id = ids.Next(), EventId = letter.Envelope.EventId.ToString(), letter.Envelope.Subject, Key = letter.Envelope.PartitionKey,
                Retained = letter.Retained ? 1 : 0, Now = now, Envelope = letter.Envelope.ToJson(),
            }, scope.Transaction, cancellationToken: ct));
        await MarkReplayedAsync(letter.Id, scope, ct);
        await scope.CommitAsync(ct);
        signal.Notify();
        return new ReplayOutcome.Replayed(letter with { ReplayedAt = UtcMillis.ToTime(now) });
    }

    /// <summary>Marks the letter replayed in the replay's own transaction, with the request's Idempotency-Key if it has one.</summary>
    private async Task MarkReplayedAsync(long id, WriteScope scope, CancellationToken ct)
    {
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_dead_letters SET replayed_at = @At WHERE id = @Id", new { Id = id, At = UtcMillis.From(clock.GetUtcNow()) },
            scope.Transaction, cancellationToken: ct));
        await keys.ClaimAsync(scope, ct);
    }

    private async Task<DeadLetter?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM msg_dead_letters WHERE id = @Id", new { Id = id }, cancellationToken: ct));
        return row?.ToLetter();
    }

    private static string Clip(string error) => error.Length <= 8000 ? error : error[..8000];

    private sealed class Row
    {
        public long Id { get; init; }
        public string Stage { get; init; } = "";
        public string? Consumer { get; init; }
        public string Envelope { get; init; } = "";
        public int Retained { get; init; }
        public int Attempts { get; init; }
        public string LastError { get; init; } = "";
        public long DeadAt { get; init; }
        public long? ReplayedAt { get; init; }

        public DeadLetter ToLetter() => new(Id, Stage, Consumer, EventEnvelope.FromJson(Envelope), Retained != 0, Attempts, LastError,
            UtcMillis.ToTime(DeadAt), UtcMillis.ToTime(ReplayedAt));
    }
}
