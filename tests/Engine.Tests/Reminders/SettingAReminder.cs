using PromotionEngine.Engine.Reminders;
using PromotionEngine.Kernel;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Reminders;

public class SettingAReminder
{
    private static readonly DateTimeOffset Now = Clocks.Start;
    private static readonly DateTimeOffset Opens = Now + Hours(2);

    private static ReminderDecision Set(int minutesBefore, DateTimeOffset? opens = null) =>
        ClaimReminder.Set(1, new UserId(7), new TemplateId(8), new MerchantId(9), opens ?? Opens, minutesBefore, Now);

    private static ClaimReminder AReminder() => ((ReminderDecision.Scheduled)Set(30)).Reminder;

    [Fact]
    public void It_is_due_the_asked_minutes_before_claims_open()
    {
        var reminder = AReminder();

        Assert.Equal(Opens - Minutes(30), reminder.RemindAt);
        Assert.Equal(ReminderStatus.Scheduled, reminder.Status);
    }

    [Fact]
    public void Claims_already_open_leave_nothing_to_remind_of()
    {
        Assert.IsType<ReminderDecision.WindowOpen>(Set(5, opens: Now));
        Assert.IsType<ReminderDecision.WindowOpen>(Set(5, opens: Now - Minutes(1)));
    }

    [Fact]
    public void A_time_already_passed_is_refused_with_the_latest_that_would_work()
    {
        var late = Assert.IsType<ReminderDecision.TooLate>(Set(121));

        Assert.Equal(119, late.LatestMinutesBefore);
        Assert.IsType<ReminderDecision.TooLate>(Set(120)); // due exactly now: too late
        Assert.IsType<ReminderDecision.Scheduled>(Set(119));
    }

    [Fact]
    public void It_is_sent_once()
    {
        var reminder = AReminder();

        Assert.True(reminder.Send(Opens - Minutes(30)));
        Assert.False(reminder.Send(Opens - Minutes(29)));
        Assert.Equal(ReminderStatus.Sent, reminder.Status);
    }

    [Fact]
    public void A_cancelled_reminder_is_never_sent()
    {
        var reminder = AReminder();

        Assert.Equal(CancelOutcome.Cancelled, reminder.Cancel(ReminderCancelReasons.ByUser, Now));
        Assert.False(reminder.Send(Opens - Minutes(30)));
        Assert.Equal((ReminderStatus.Cancelled, ReminderCancelReasons.ByUser), (reminder.Status, reminder.CancelReason));
    }

    [Fact]
    public void Cancelling_twice_is_cancelling_once_and_a_sent_reminder_cannot_be_cancelled()
    {
        var cancelled = AReminder();
        cancelled.Cancel(ReminderCancelReasons.ByUser, Now);
        var sent = AReminder();
        sent.Send(Opens - Minutes(30));

        Assert.Equal(CancelOutcome.AlreadyCancelled, cancelled.Cancel(ReminderCancelReasons.ByUser, Now + Minutes(1)));
        Assert.Equal(Now, cancelled.CancelledAt);
        Assert.Equal(CancelOutcome.AlreadySent, sent.Cancel(ReminderCancelReasons.ByUser, Now));
        Assert.Equal(ReminderStatus.Sent, sent.Status);
    }
}
