using Microsoft.Extensions.Time.Testing;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

public class ATemplateOverTime
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void A_template_is_active_until_its_window_ends_then_ended()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);

        Assert.Equal(TemplateStatus.Active, template.StatusAt(Now));
        _clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromTicks(1));
        Assert.Equal(TemplateStatus.Active, template.StatusAt(Now));
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(TemplateStatus.Ended, template.StatusAt(Now));
    }

    [Fact]
    public void A_terminated_template_stays_terminated_after_its_window_ends()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock).Terminated(_clock);

        Assert.Equal(TemplateStatus.Terminated, template.StatusAt(Now));
        _clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(TemplateStatus.Terminated, template.StatusAt(Now));
    }

    [Fact]
    public void A_new_template_starts_at_version_0_created_and_updated_now()
    {
        var template = ATemplate.EndingIn(TimeSpan.FromDays(30), _clock);

        Assert.Equal(0, template.Version);
        Assert.Equal(Now, template.CreatedAt);
        Assert.Equal(Now, template.UpdatedAt);
        Assert.Null(template.TerminatedAt);
    }
}
