using System.Data.Common;
using Dapper;
using PromotionEngine.Engine.Reminders;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

internal sealed class SqlClaimReminders(IDatabase db) : IClaimReminders
{
    private const string Columns =
        "user_id, id, template_id, merchant_id, minutes_before, claim_opens_at, status, created_at, sent_at, cancelled_at, cancel_reason, version";

    public async Task<ClaimReminder?> FindAsync(UserId user, long id, WriteScope? scope, CancellationToken ct)
    {
        const string sql = $"SELECT {Columns} FROM en_claim_reminders WHERE user_id = @User AND id = @Id";
        var args = new { User = user.Value, Id = id };
        if (scope is not null)
            return (await scope.Connection
                .QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, args, scope.Transaction, cancellationToken: ct)))?.ToReminder();
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(sql, args, cancellationToken: ct)))?.ToReminder();
    }

    public async Task<ClaimReminder?> FindScheduledAsync(UserId user, TemplateId template, WriteScope scope, CancellationToken ct) =>
        (await scope.Connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_claim_reminders WHERE user_id = @User AND active_template_id = @Template",
            new { User = user.Value, Template = template.Value }, scope.Transaction, cancellationToken: ct)))?.ToReminder();

    public async Task AddAsync(ClaimReminder reminder, WriteScope scope, CancellationToken ct)
    {
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                $"INSERT INTO en_claim_reminders ({Columns}, active_template_id) VALUES (@UserId, @Id, @TemplateId, @MerchantId, @MinutesBefore, " +
                "@ClaimOpensAt, @Status, @CreatedAt, @SentAt, @CancelledAt, @CancelReason, @Version, @ActiveTemplateId)",
                Row.From(reminder), scope.Transaction, cancellationToken: ct));
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            throw new ConcurrencyConflictException($"Reminder of user {reminder.User} for template {reminder.Template}");
        }
    }

    public async Task SaveAsync(ClaimReminder reminder, WriteScope scope, CancellationToken ct)
    {
        var changed = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_claim_reminders SET status = @Status, active_template_id = @ActiveTemplateId, sent_at = @SentAt, " +
                "cancelled_at = @CancelledAt, " +
                "cancel_reason = @CancelReason, version = version + 1 WHERE user_id = @UserId AND id = @Id AND version = @Version",
            Row.From(reminder), scope.Transaction, cancellationToken: ct));
        if (changed != 1) throw new ConcurrencyConflictException($"Reminder {reminder.Id}");
    }

    public async Task<IReadOnlyList<ClaimReminder>> ListAsync(UserId user, ReminderStatus? status, long? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_claim_reminders WHERE user_id = @User{(after is null ? "" : " AND id < @After")}" +
            $"{(status is null ? "" : " AND status = @Status")} ORDER BY id DESC LIMIT @Limit",
            new { User = user.Value, After = after, Status = status is { } s
                ? ReminderStatusNames.Of(s)
                : null, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToReminder()).ToList();
    }

    private sealed class Row
    {
        public long UserId { get; init; }
        public long Id { get; init; }
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public int MinutesBefore { get; init; }
        public long ClaimOpensAt { get; init; }
        public string Status { get; init; } = "";
        public long? ActiveTemplateId { get; init; }
        public long CreatedAt { get; init; }
        public long? SentAt { get; init; }
        public long? CancelledAt { get; init; }
        public string? CancelReason { get; init; }
        public int Version { get; init; }

        public static Row From(ClaimReminder r) => new()
        {
            UserId = r.User.Value,
            Id = r.Id,
            TemplateId = r.Template.Value,
            MerchantId = r.Merchant.Value,
            MinutesBefore = r.MinutesBefore,
            ClaimOpensAt = UtcMillis.From(r.ClaimOpensAt),
            Status = ReminderStatusNames.Of(r.Status),
            ActiveTemplateId = r.Status == ReminderStatus.Scheduled ? r.Template.Value : null,
            CreatedAt = UtcMillis.From(r.CreatedAt),
            SentAt = UtcMillis.From(r.SentAt),
            CancelledAt = UtcMillis.From(r.CancelledAt),
            CancelReason = r.CancelReason,
            Version = r.Version,
        };

        public ClaimReminder ToReminder()
        {
            if (!ReminderStatusNames.TryParse(Status, out var status))
                throw new InvalidOperationException($"Claim reminder {Id} has the status '{Status}', which no release of the engine writes.");
            return ClaimReminder.Restore(Id, new UserId(UserId), new TemplateId(TemplateId), new MerchantId(MerchantId), MinutesBefore,
                UtcMillis.ToTime(ClaimOpensAt), status, UtcMillis.ToTime(CreatedAt), UtcMillis.ToTime(SentAt), UtcMillis.ToTime(
                    CancelledAt), CancelReason, Version);
        }
    }
}
