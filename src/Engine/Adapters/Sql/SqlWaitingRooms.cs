using Dapper;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>The templates' waiting rooms in en_waiting_rooms (Engine V1_89): one row per template that has one.</summary>
internal sealed class SqlWaitingRooms(IDatabase db) : IWaitingRooms
{
    // Properties, not a constructor: SQLite answers every INTEGER as a long, MariaDB an INT as an int; Dapper converts either.
    private sealed class Row
    {
        public long TemplateId { get; init; }
        public int AdmitPerSecond { get; init; }
        public int AdmissionMinutes { get; init; }
        public int AdmittedForSeconds { get; init; }
        public long UpdatedAt { get; init; }
    }

    public async Task<TemplateWaitingRoom?> FindAsync(TemplateId template, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT template_id AS TemplateId, admit_per_second AS AdmitPerSecond, admission_minutes AS AdmissionMinutes, "
            + "admitted_for_seconds AS AdmittedForSeconds, updated_at AS UpdatedAt FROM en_waiting_rooms "
            + "WHERE template_id = @Template", new { Template = template.Value }, cancellationToken: ct));
        return row is null ? null
            : new TemplateWaitingRoom(new TemplateId(row.TemplateId), row.AdmitPerSecond, row.AdmissionMinutes, row.AdmittedForSeconds,
                DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt));
    }

    public async Task SaveAsync(TemplateWaitingRoom room, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        var upsert = db.Dialect == SqlDialect.MySql
            ? "ON DUPLICATE KEY UPDATE admit_per_second = VALUES(admit_per_second), admission_minutes = VALUES(admission_minutes), "
              + "admitted_for_seconds = VALUES(admitted_for_seconds), updated_at = VALUES(updated_at)"
            : "ON CONFLICT (template_id) DO UPDATE SET admit_per_second = excluded.admit_per_second, "
              + "admission_minutes = excluded.admission_minutes, admitted_for_seconds = excluded.admitted_for_seconds, "
              + "updated_at = excluded.updated_at";
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO en_waiting_rooms (template_id, admit_per_second, admission_minutes, admitted_for_seconds, updated_at) "
            + "VALUES (@Template, @AdmitPerSecond, @AdmissionMinutes, @AdmittedForSeconds, @UpdatedAt) " + upsert,
            new
            {
                Template = room.Template.Value, room.AdmitPerSecond, room.AdmissionMinutes, room.AdmittedForSeconds,
                UpdatedAt = room.UpdatedAt.ToUnixTimeMilliseconds(),
            }, scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }

    public async Task<bool> RemoveAsync(TemplateId template, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        var removed = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM en_waiting_rooms WHERE template_id = @Template", new { Template = template.Value }, scope.Transaction,
            cancellationToken: ct));
        await scope.CommitAsync(ct);
        return removed > 0;
    }
}
