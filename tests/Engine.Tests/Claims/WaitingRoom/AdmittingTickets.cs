using System.Globalization;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims.WaitingRoom;

/// <summary>When a waiting room admits each ticket: in the order taken, so many a second from the claim start, each for its turn.</summary>
public class AdmittingTickets
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-06-18T02:00:00Z", CultureInfo.InvariantCulture);

    private static AdmissionSchedule ARoom(int perSecond, int minutes = 30, int turnSeconds = 120) =>
        new TemplateWaitingRoom(new TemplateId(7), perSecond, minutes, turnSeconds, Start).From(Start);

    private static DateTimeOffset After(double seconds) => Start + TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Nothing_is_admitted_before_the_start()
    {
        var room = ARoom(perSecond: 3);

        Assert.Equal(0, room.AdmittedBy(Start - TimeSpan.FromTicks(1)));
        Assert.Equal(1, room.Position(1, Start - TimeSpan.FromTicks(1)));
        Assert.False(room.Admitting(Start - TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void Tickets_are_admitted_in_the_order_taken_at_the_rate_set()
    {
        var room = ARoom(perSecond: 3);

        Assert.Equal([0, 0, 0, 1, 2, 3, 4], Enumerable.Range(1, 7).Select(n => room.Position(n, Start)));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1], Enumerable.Range(1, 7).Select(n => room.Position(n, After(1))));
        Assert.Equal(3, room.AdmittedBy(After(0.999)));
        Assert.Equal(6, room.AdmittedBy(After(1)));
        Assert.Equal([Start, Start, Start, After(1), After(1), After(1), After(2)], Enumerable.Range(1, 7).Select(n => room.AdmitsAt(n)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(500)]
    public void No_ticket_is_admitted_before_one_with_a_lower_number_and_each_at_its_admission_time(int perSecond)
    {
        var room = ARoom(perSecond);
        for (long n = 1; n <= 3 * perSecond + 2; n++)
        {
            var at = room.AdmitsAt(n);
            Assert.Equal(0, room.Position(n, at));
            Assert.True(room.Position(n, at - TimeSpan.FromTicks(1)) > 0 || at == Start && n <= perSecond);
            Assert.True(room.AdmitsAt(n) >= room.AdmitsAt(n - 1 < 1 ? 1 : n - 1));
        }
    }

    [Fact]
    public void The_admission_phase_runs_from_the_start_for_the_minutes_set()
    {
        var room = ARoom(perSecond: 10, minutes: 30);

        Assert.True(room.Admitting(Start));
        Assert.True(room.Admitting(Start + TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1)));
        Assert.False(room.Admitting(Start + TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void A_turn_ends_the_seconds_set_after_its_admission()
    {
        var room = ARoom(perSecond: 2, turnSeconds: 60);

        Assert.Equal(After(60), room.UsableUntil(1));
        Assert.Equal(After(61), room.UsableUntil(3));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 60)]
    [InlineData(250, 120)]
    public void The_first_usable_number_is_the_lowest_whose_turn_is_not_over(int perSecond, int turnSeconds)
    {
        var room = ARoom(perSecond, turnSeconds: turnSeconds);
        foreach (var seconds in new[] { -5.0, 0, turnSeconds - 0.5, turnSeconds, turnSeconds + 0.25, turnSeconds + 1, turnSeconds + 7.5 })
        {
            var now = After(seconds);
            var first = room.FirstUsable(now);
            Assert.True(now < room.UsableUntil(first), $"{first} at {seconds} s");
            if (first > 1) Assert.True(now >= room.UsableUntil(first - 1), $"{first - 1} at {seconds} s");
        }
    }

    [Fact]
    public void A_waiting_holder_is_told_to_ask_again_when_admitted_at_least_a_second_and_at_most_the_cap_from_now()
    {
        var room = ARoom(perSecond: 1);

        Assert.Equal(1, room.SecondsUntilAdmitted(2, After(0.999), cap: 30));
        Assert.Equal(3, room.SecondsUntilAdmitted(4, After(0.5), cap: 30));
        Assert.Equal(30, room.SecondsUntilAdmitted(1000, Start, cap: 30));
    }
}
