using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Engine.Reminders;

internal abstract record SetReminderOutcome
{
    private SetReminderOutcome() { }

    public sealed record Created(ClaimReminder Reminder) : SetReminderOutcome;

    /// <summary>The same reminder was set before (a repeated request): nothing new.</summary>
    public sealed record Existing(ClaimReminder Reminder) : SetReminderOutcome;

    public sealed record Refused(Refusal Refusal) : SetReminderOutcome;
}

/// <summary>
/// Sets a reminder for the user's next claim window of a template: one waiting reminder per (user, template),
/// so repeating the request answers the first reminder. Its timer, in the same transaction, is the outbox's.
/// </summary>
internal sealed class SetReminder(
    IDatabase db, IClaimReminders reminders, ICouponTemplateCatalog catalog, IOutbox outbox, IdGenerator ids, TimeProvider clock, IKeyedRequests keys)
{
    public async Task<SetReminderOutcome> HandleAsync(UserId user, TemplateId templateId, int minutesBefore, CancellationToken ct)
    {
        var template = await catalog.FindAsync(templateId, ct);
        if (template is null) return Refuse(ErrorCodes.TemplateNotFound, $"No template {templateId}.", "templateId");
        if (template.Terminated) return Refuse(ErrorCodes.Terminated, "The merchant stopped this template.");
        return await db.WriteWithRetryAsync<SetReminderOutcome>(async scope =>
        {
            if (await reminders.FindScheduledAsync(user, templateId, scope, ct) is { } existing)
            {
                return existing.MinutesBefore == minutesBefore
                    ? new SetReminderOutcome.Existing(existing)
                    : Refuse(
                        ErrorCodes.ReminderExists,
                        $"A reminder {existing.MinutesBefore} minutes before is set already; cancel it to choose another time.",
                        "templateId",
                        new Dictionary<string, object?>
                        {
                            ["reminderId"] = existing.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)
                        });
            }
            var now = UtcMillis.Now(clock);
            switch (ClaimReminder.Set(ids.Next(), user, templateId, template.Merchant, template.ValidFrom, minutesBefore, now))
            {
                case ReminderDecision.WindowOpen:
                    return Refuse(
                        ErrorCodes.ClaimsAlreadyOpen,
                        $"Claims opened at {template.ValidFrom:O}: there is nothing to remind of.");
                case ReminderDecision.TooLate late:
                    return Refuse(
                        ErrorCodes.ReminderTooLate,
                        $"Claims open in less than {minutesBefore} minutes; at most {late.LatestMinutesBefore} would still work.",
                        "minutesBefore", new Dictionary<string, object?> { ["latestMinutesBefore"] = late.LatestMinutesBefore });
                case ReminderDecision.Scheduled scheduled:
                    var reminder = scheduled.Reminder;
                    await reminders.AddAsync(reminder, scope, ct);
                    await outbox.AddAsync(ReminderTimers.Due(reminder, now), scope, ct);
                    await keys.ClaimAsync(scope, ct);
                    await scope.CommitAsync(ct);
                    return new SetReminderOutcome.Created(reminder);
                default:
                    throw new System.Diagnostics.UnreachableException();
            }
        }, ct);
    }

    private static SetReminderOutcome.Refused Refuse(ErrorCode code, string message, string? field = null,
        IReadOnlyDictionary<string, object?>? details = null) => new(new Refusal(code, message, field, details));
}

/// <summary>The user withdraws a reminder; its timer leaves the outbox in the same transaction.</summary>
internal sealed class CancelReminder(IDatabase db, IClaimReminders reminders, IOutbox outbox, TimeProvider clock, IKeyedRequests keys)
{
    public Task<Refusal?> HandleAsync(UserId user, long id, CancellationToken ct) => db.WriteWithRetryAsync<Refusal?>(async scope =>
    {
        var reminder = await reminders.FindAsync(user, id, scope, ct);
        if (reminder is null) return new Refusal(ErrorCodes.ReminderNotFound, $"You have no reminder {id}.");
        switch (reminder.Cancel(ReminderCancelReasons.ByUser, UtcMillis.Now(clock)))
        {
            case CancelOutcome.AlreadySent:
                return new Refusal(ErrorCodes.ReminderAlreadySent, $"The reminder was sent at {reminder.SentAt:O}.");
            case CancelOutcome.AlreadyCancelled:
                return null;
            default:
                await reminders.SaveAsync(reminder, scope, ct);
                await outbox.CancelAsync(ReminderTimers.KeyOf(reminder), scope, ct);
                await keys.ClaimAsync(scope, ct);
                await scope.CommitAsync(ct);
                return null;
        }
    }, ct);
}

/// <summary>
/// A reminder's timer fell due: the reminder is marked sent and CouponReminderDue recorded in one commit, once
/// (the inbox skips a redelivered timer; the status skips a cancelled or sent reminder). A template terminated
/// meanwhile withdraws the reminder instead: there is nothing left to claim.
/// </summary>
internal sealed class SendDueReminder(
    IClaimReminders reminders, ICouponTemplateCatalog catalog, IOutbox outbox, TimeProvider clock) : IEventHandler<ReminderDue>
{
    public const string Consumer = "engine.reminders";

    public async Task HandleAsync(ReminderDue due, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var reminder = await reminders.FindAsync(new UserId(due.UserId), due.ReminderId, scope, ct);
        if (reminder is null || reminder.Status != ReminderStatus.Scheduled) return;
        var now = UtcMillis.Now(clock);
        if (await catalog.FindAsync(reminder.Template, ct) is not { Terminated: false })
        {
            reminder.Cancel(ReminderCancelReasons.TemplateTerminated, now);
            await reminders.SaveAsync(reminder, scope, ct);
            return;
        }
        reminder.Send(now);
        await reminders.SaveAsync(reminder, scope, ct);
        await outbox.AddAsync(OutgoingEvent.Now(
            new CouponReminderDue(
                reminder.Id, reminder.User.Value, reminder.Template.Value, reminder.Merchant.Value, reminder.ClaimOpensAt, reminder.MinutesBefore),
            reminder.RemindAt, reminder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), reminder.Merchant.Value), scope, ct);
    }
}

/// <summary>The engine's own timer for one reminder (internal, not part of the public catalog).</summary>
internal sealed record ReminderDue(long ReminderId, long UserId) : IIntegrationEvent
{
    public static string Type => "reminder-due";
    public static int SchemaVersion => 1;
    public static string Producer => "engine";
}

internal static class ReminderTimers
{
    public static string KeyOf(ClaimReminder r) => $"engine.reminder:{r.Id}";

    public static OutgoingEvent Due(ClaimReminder r, DateTimeOffset now) =>
        OutgoingEvent.At(
            new ReminderDue(r.Id, r.User.Value), now, r.RemindAt, KeyOf(r),
            r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Merchant.Value);
}
