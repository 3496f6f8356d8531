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

    /// <summary>What setting a reminder decides, now, for claims opening so many minutes from now.</summary>
    [Theory]
    //          claims open in  minutes before  decides        due in (Scheduled) or the latest that would work (TooLate)
    [InlineData(120,            30,             "Scheduled",   90)]   // due the asked minutes before claims open
    [InlineData(120,            119,            "Scheduled",   1)]
    [InlineData(120,            120,            "TooLate",     119)]  // due exactly now: too late
    [InlineData(120,            121,            "TooLate",     119)]  // a time already passed, refused with the latest that would work
    [InlineData(0,              5,              "WindowOpen",  null)] // claims already open leave nothing to remind of
    [InlineData(-1,             5,              "WindowOpen",  null)]
    public void What_setting_a_reminder_decides(int opensInMinutes, int minutesBefore, string decides, int? minutes)
    {
        var decision = Set(minutesBefore, opens: Now + Minutes(opensInMinutes));

        Assert.Equal(decides, decision.GetType().Name);
        switch (decision)
        {
            case ReminderDecision.Scheduled scheduled:
                Assert.Equal(Now + Minutes(minutes!.Value), scheduled.Reminder.RemindAt);
                Assert.Equal(ReminderStatus.Scheduled, scheduled.Reminder.Status);
                break;
            case ReminderDecision.TooLate late:
                Assert.Equal(minutes, late.LatestMinutesBefore);
                break;
        }
    }

    /// <summary>
    /// Sending and cancelling, from each state (the reminder is due 90 minutes from now; "sent" and "cancelled" happened now, a
    /// verb comes a minute after). It is sent once, never once cancelled, and a sent reminder cannot be taken back; a verb
    /// that changes nothing leaves the reminder exactly as it was.
    /// </summary>
    [Theory]
    //          the reminder   verb       answers             then
    [InlineData("scheduled",   "send",    "Sent",             "Sent")]       // at its time
    [InlineData("sent",        "send",    "NotSent",          "Sent")]       // once
    [InlineData("cancelled",   "send",    "NotSent",          "Cancelled")]  // a cancelled reminder is never sent
    [InlineData("scheduled",   "cancel",  "Cancelled",        "Cancelled")]
    [InlineData("cancelled",   "cancel",  "AlreadyCancelled", "Cancelled")]  // cancelling twice is cancelling once
    [InlineData("sent",        "cancel",  "AlreadySent",      "Sent")]       // a sent reminder cannot be cancelled
    public void What_sending_and_cancelling_do(string reminder, string verb, string answers, string then)
    {
        var subject = AReminder();
        var remindAt = subject.RemindAt;
        if (reminder == "sent") Assert.True(subject.Send(remindAt));
        if (reminder == "cancelled") Assert.Equal(CancelOutcome.Cancelled, subject.Cancel(ReminderCancelReasons.ByUser, Now));
        var before = State(subject);
        var at = reminder == "scheduled" ? remindAt : remindAt + Minutes(1);

        var answer = verb == "send" ? (subject.Send(at) ? "Sent" : "NotSent") : subject.Cancel(ReminderCancelReasons.ByUser, at).ToString();

        Assert.Equal(answers, answer);
        Assert.Equal(Enum.Parse<ReminderStatus>(then), subject.Status);
        switch (answers)
        {
            case "Sent":
                Assert.Equal(at, subject.SentAt);
                break;
            case "Cancelled":
                Assert.Equal((at, ReminderCancelReasons.ByUser), (subject.CancelledAt, subject.CancelReason));
                break;
            default:
                Assert.Equal(before, State(subject));
                break;
        }
    }

    private static (ReminderStatus, DateTimeOffset?, DateTimeOffset?, string?) State(ClaimReminder r)
        => (r.Status, r.SentAt, r.CancelledAt, r.CancelReason);
}
