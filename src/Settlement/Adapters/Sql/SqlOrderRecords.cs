using System.Data.Common;
using System.Text.Json;
using Dapper;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Orders;

namespace PromotionEngine.Settlement.Adapters.Sql;

internal sealed class SqlOrderRecords(IDatabase db, SettlementMetrics metrics) : IOrderRecords
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<OrderRecord?> FindAsync(string orderId, WriteScope scope, CancellationToken ct)
    {
        var row = await scope.Connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT version, body FROM st_orders WHERE order_id = @OrderId", new { OrderId = orderId }, scope.Transaction, cancellationToken: ct));
        return row?.ToRecord();
    }

    public async Task<(OrderRecord Record, IReadOnlyList<OrderStepEntry> History)?> ReadAsync(string orderId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT version, body FROM st_orders WHERE order_id = @OrderId", new { OrderId = orderId }, cancellationToken: ct));
        if (row is null) return null;
        var record = row.ToRecord();
        // Two statements, two snapshots: a step committed after the record was read is left out, so the history is the record's.
        var steps = await connection.QueryAsync<StepRow>(new CommandDefinition(
            "SELECT seq, at, step, source, outcome, code, detail, cause_type, cause_event_id FROM st_order_steps " +
            "WHERE order_id = @OrderId AND seq <= @Steps ORDER BY seq",
            new { OrderId = orderId, record.Steps }, cancellationToken: ct));
        return (record, steps.Select(s => s.ToEntry()).ToList());
    }

    public async Task SaveAsync(OrderRecord record, WriteScope scope, CancellationToken ct)
    {
        var values = new
        {
            record.OrderId,
            record.UserId,
            record.State,
            Version = record.Version + 1,
            Read = record.Version,
            CreatedAt = UtcMillis.From(record.CreatedAt),
            UpdatedAt = UtcMillis.From(record.UpdatedAt),
            Body = JsonSerializer.Serialize(record, Json),
        };
        if (record.Version == 0)
        {
            try
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO st_orders (order_id, user_id, state, version, created_at, updated_at, body) " +
                    "VALUES (@OrderId, @UserId, @State, @Version, @CreatedAt, @UpdatedAt, @Body)", values, scope.Transaction, cancellationToken: ct));
            }
            catch (DbException e) when (db.IsUniqueViolation(e))
            {
                throw new ConcurrencyConflictException($"Settlement record {record.OrderId}");
            }
        }
        else
        {
            var changed = await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE st_orders SET user_id = @UserId, state = @State, version = @Version, updated_at = @UpdatedAt, body = @Body " +
                "WHERE order_id = @OrderId AND version = @Read", values, scope.Transaction, cancellationToken: ct));
            if (changed != 1) throw new ConcurrencyConflictException($"Settlement record {record.OrderId}");
        }
        if (record.NewSteps.Count > 0)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO st_order_steps (order_id, seq, at, step, source, outcome, code, detail, cause_type, cause_event_id) " +
                "VALUES (@OrderId, @Seq, @At, @Step, @Source, @Outcome, @Code, @Detail, @CauseType, @CauseEventId)",
                record.NewSteps.Select(s => new
                {
                    record.OrderId, s.Seq, At = UtcMillis.From(s.At), s.Step, s.Source, s.Outcome, s.Code, s.Detail, s.CauseType,
                    CauseEventId = s.CauseEventId?.ToString(),
                }), scope.Transaction, cancellationToken: ct));
        }
        metrics.Stored(record.NewSteps);
        record.Version++;
        record.ClearNewSteps();
    }

    private sealed class Row
    {
        public int Version { get; init; }
        public string Body { get; init; } = "";

        public OrderRecord ToRecord()
        {
            var record = JsonSerializer.Deserialize<OrderRecord>(Body, Json) ?? throw new JsonException("Not a settlement record.");
            record.Version = Version;
            return record;
        }
    }

    private sealed class StepRow
    {
        public int Seq { get; init; }
        public long At { get; init; }
        public string Step { get; init; } = "";
        public string Source { get; init; } = "";
        public string Outcome { get; init; } = "";
        public string? Code { get; init; }
        public string Detail { get; init; } = "";
        public string? CauseType { get; init; }
        public string? CauseEventId { get; init; }

        public OrderStepEntry ToEntry() => new(Seq, UtcMillis.ToTime(At), Step, Source, Outcome, Code, Detail, CauseType,
            CauseEventId is null ? null : Guid.Parse(CauseEventId));
    }
}
