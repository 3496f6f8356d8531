using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Reminders;

/// <summary>Stored reminders, keyed by user (the "my reminders" access path).</summary>
internal interface IClaimReminders
{
    Task<ClaimReminder?> FindAsync(UserId user, long id, WriteScope? scope, CancellationToken ct);

    /// <summary>The user's reminder for the template that is still waiting, if any.</summary>
    Task<ClaimReminder?> FindScheduledAsync(UserId user, TemplateId template, WriteScope scope, CancellationToken ct);

    /// <summary>Adds it; throws <see cref="ConcurrencyConflictException"/> when the user set one for the template at the same moment.</summary>
    Task AddAsync(ClaimReminder reminder, WriteScope scope, CancellationToken ct);

    /// <summary>Stores the change; throws <see cref="ConcurrencyConflictException"/> when another writer saved first.</summary>
    Task SaveAsync(ClaimReminder reminder, WriteScope scope, CancellationToken ct);

    /// <summary>Newest first, after the cursor id.</summary>
    Task<IReadOnlyList<ClaimReminder>> ListAsync(UserId user, ReminderStatus? status, long? after, int limit, CancellationToken ct);
}
