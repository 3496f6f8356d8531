using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Reminders;

internal enum ReminderStatus
{
    /// <summary>Waiting for its time.</summary>
    Scheduled,
    /// <summary>Its time came and CouponReminderDue was published.</summary>
    Sent,
    /// <summary>Withdrawn by the user, or by the engine because the template was terminated first.</summary>
    Cancelled,
}

internal static class ReminderCancelReasons
{
    public const string ByUser = "USER";
    public const string TemplateTerminated = "TEMPLATE_TERMINATED";
}

/// <summary>
/// 预约提醒: a user asked to be told <see cref="MinutesBefore"/> minutes before a template's claim window opens.
/// It is sent at most once; a cancelled reminder is never sent. Time is passed in.
/// </summary>
internal sealed class ClaimReminder
{
    public const int MaxMinutesBefore = 7 * 24 * 60;

    private ClaimReminder(long id, UserId user, TemplateId template, MerchantId merchant, int minutesBefore, DateTimeOffset claimOpensAt,
        ReminderStatus status, DateTimeOffset createdAt, DateTimeOffset? sentAt, DateTimeOffset? cancelledAt, string? cancelReason, int version)
    {
        Id = id;
        User = user;
        Template = template;
        Merchant = merchant;
        MinutesBefore = minutesBefore;
        ClaimOpensAt = claimOpensAt;
        Status = status;
        CreatedAt = createdAt;
        SentAt = sentAt;
        CancelledAt = cancelledAt;
        CancelReason = cancelReason;
        Version = version;
    }

    public long Id { get; }
    public UserId User { get; }
    public TemplateId Template { get; }
    public MerchantId Merchant { get; }
    public int MinutesBefore { get; }
    public DateTimeOffset ClaimOpensAt { get; }
    public DateTimeOffset RemindAt => ClaimOpensAt - TimeSpan.FromMinutes(MinutesBefore);
    public ReminderStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public string? CancelReason { get; private set; }

    /// <summary>Optimistic concurrency: the version the row had when it was read.</summary>
    public int Version { get; }

    /// <summary>A new reminder, or why it cannot be set: the window is open already, or the reminder's time has passed.</summary>
    public static ReminderDecision Set(long id, UserId user, TemplateId template, MerchantId merchant, DateTimeOffset claimOpensAt, int minutesBefore,
        DateTimeOffset now)
    {
        if (now >= claimOpensAt) return new ReminderDecision.WindowOpen();
        var reminder = new ClaimReminder(
            id, user, template, merchant, minutesBefore, claimOpensAt, ReminderStatus.Scheduled, now, null, null, null, 0);
        // A reminder due now is already too late: the latest that works is due strictly after now.
        if (reminder.RemindAt <= now) return new ReminderDecision.TooLate((int)Math.Ceiling((claimOpensAt - now).TotalMinutes) - 1);
        return new ReminderDecision.Scheduled(reminder);
    }

    public static ClaimReminder Restore(
        long id, UserId user, TemplateId template, MerchantId merchant, int minutesBefore, DateTimeOffset claimOpensAt, ReminderStatus status,
        DateTimeOffset createdAt, DateTimeOffset? sentAt, DateTimeOffset? cancelledAt, string? cancelReason, int version) =>
        new(id, user, template, merchant, minutesBefore, claimOpensAt, status, createdAt, sentAt, cancelledAt, cancelReason, version);

    /// <summary>Its time has come: true when it is to be sent now (once); false when it was cancelled or sent before.</summary>
    public bool Send(DateTimeOffset now)
    {
        if (Status != ReminderStatus.Scheduled) return false;
        (Status, SentAt) = (ReminderStatus.Sent, now);
        return true;
    }

    /// <summary>Withdraws it. Cancelling twice is the same as once; a sent reminder cannot be taken back.</summary>
    public CancelOutcome Cancel(string reason, DateTimeOffset now)
    {
        switch (Status)
        {
            case ReminderStatus.Cancelled:
                return CancelOutcome.AlreadyCancelled;
            case ReminderStatus.Sent:
                return CancelOutcome.AlreadySent;
            default:
                (Status, CancelledAt, CancelReason) = (ReminderStatus.Cancelled, now, reason);
                return CancelOutcome.Cancelled;
        }
    }
}

internal enum CancelOutcome
{
    Cancelled,
    AlreadyCancelled,
    AlreadySent,
}

internal abstract record ReminderDecision
{
    private ReminderDecision() { }

    public sealed record Scheduled(ClaimReminder Reminder) : ReminderDecision;

    /// <summary>Claims are open already: there is nothing to be reminded of.</summary>
    public sealed record WindowOpen : ReminderDecision;

    /// <summary>The reminder's time has passed; at most <paramref name="LatestMinutesBefore"/> would still work.</summary>
    public sealed record TooLate(int LatestMinutesBefore) : ReminderDecision;
}

internal static class ReminderStatusNames
{
    public static string Of(ReminderStatus status) => status switch
    {
        ReminderStatus.Scheduled => "SCHEDULED",
        ReminderStatus.Sent => "SENT",
        ReminderStatus.Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? name, out ReminderStatus status)
    {
        foreach (var candidate in Enum.GetValues<ReminderStatus>())
        {
            if (Of(candidate) != name) continue;
            status = candidate;
            return true;
        }
        status = default;
        return false;
    }
}
