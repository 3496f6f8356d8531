using Microsoft.Extensions.Time.Testing;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

public class TerminatingATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void Terminating_an_active_template_stops_it_now()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);
        _clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(TerminateOutcome.Terminated, template.Terminate(Now));

        Assert.Equal(Now, template.TerminatedAt);
        Assert.Equal(Now, template.UpdatedAt);
        Assert.Equal(TemplateStatus.Terminated, template.StatusAt(Now));
    }

    [Fact]
    public void Terminating_twice_is_already_terminated_and_keeps_the_first_time()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock).Terminated(_clock);
        var terminatedAt = template.TerminatedAt;
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(TerminateOutcome.AlreadyTerminated, template.Terminate(Now));

        Assert.Equal(terminatedAt, template.TerminatedAt);
    }

    [Fact]
    public void An_ended_template_is_not_terminated()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);
        _clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal(TerminateOutcome.AlreadyEnded, template.Terminate(Now));

        Assert.Null(template.TerminatedAt);
        Assert.Equal(TemplateStatus.Ended, template.StatusAt(Now));
    }
}
