using Microsoft.Extensions.Time.Testing;
using PromotionEngine.MerchantAdmin.Templates;
using static PromotionEngine.MerchantAdmin.Tests.Templates.Refusals;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Only what cannot hurt coupons already issued may change.</summary>
public class ChangingATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private static TimeSpan Days(int days) => TimeSpan.FromDays(days);

    // The end of the window.

    [Fact]
    public void The_window_may_end_later()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);
        _clock.Advance(Days(1));

        Assert.Null(template.ExtendValidity(Now + Days(60), Now));

        Assert.Equal(Now + Days(60), template.ValidUntil);
        Assert.Equal(Now, template.UpdatedAt);
    }

    [Fact]
    public void A_later_end_is_kept_in_utc()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);
        var later = (Now + Days(60)).ToOffset(TimeSpan.FromHours(8));

        Assert.Null(template.ExtendValidity(later, Now));

        Assert.Equal(TimeSpan.Zero, template.ValidUntil.Offset);
        Assert.Equal(later, template.ValidUntil);
    }

    [Fact]
    public void The_window_may_not_end_sooner_or_at_the_same_time()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);
        var end = template.ValidUntil;

        AssertRefused(template.ExtendValidity(end - Days(1), Now), 422, "VALID_UNTIL_NOT_EXTENDED", "validUntil");
        AssertRefused(template.ExtendValidity(end, Now), 422, "VALID_UNTIL_NOT_EXTENDED", "validUntil");

        Assert.Equal(end, template.ValidUntil);
    }

    [Fact]
    public void A_later_end_keeps_the_window_within_3660_days()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);

        AssertRefused(template.ExtendValidity(template.ValidFrom + TemplateRules.MaxWindow + TimeSpan.FromSeconds(1), Now),
            400, "VALIDATION_FAILED", "validUntil");
        Assert.Null(template.ExtendValidity(template.ValidFrom + TemplateRules.MaxWindow, Now));
    }

    [Fact]
    public void An_ended_template_cannot_be_extended()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);
        _clock.Advance(Days(30));

        AssertRefused(template.ExtendValidity(Now + Days(30), Now), 409, "TEMPLATE_ENDED");
    }

    [Fact]
    public void A_terminated_template_cannot_be_extended()
    {
        var template = ATemplate.EndingIn(Days(30), _clock).Terminated(_clock);

        AssertRefused(template.ExtendValidity(Now + Days(60), Now), 409, "TEMPLATE_TERMINATED");
    }

    // The per-user limit.

    [Fact]
    public void The_per_user_limit_may_rise()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, perUserLimit: 2);
        _clock.Advance(Days(1));

        Assert.Null(template.RaisePerUserLimit(5, Now));

        Assert.Equal(5, template.PerUserLimit);
        Assert.Equal(Now, template.UpdatedAt);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_per_user_limit_may_not_fall_or_stay(int limit)
    {
        var template = ATemplate.EndingIn(Days(30), _clock, perUserLimit: 2);

        AssertRefused(template.RaisePerUserLimit(limit, Now), 422, "PER_USER_LIMIT_NOT_RAISED", "perUserLimit");

        Assert.Equal(2, template.PerUserLimit);
    }

    [Fact]
    public void The_per_user_limit_rises_to_1000_at_most()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, perUserLimit: 2);

        AssertRefused(template.RaisePerUserLimit(TemplateRules.MaxPerUserLimit + 1, Now), 400, "VALIDATION_FAILED", "perUserLimit");
        Assert.Null(template.RaisePerUserLimit(TemplateRules.MaxPerUserLimit, Now));
    }

    [Fact]
    public void The_per_user_limit_of_an_ended_or_terminated_template_is_fixed()
    {
        var ended = ATemplate.EndingIn(Days(30), _clock);
        var terminated = ATemplate.EndingIn(Days(60), _clock).Terminated(_clock);
        _clock.Advance(Days(30));

        AssertRefused(ended.RaisePerUserLimit(5, Now), 409, "TEMPLATE_ENDED");
        AssertRefused(terminated.RaisePerUserLimit(5, Now), 409, "TEMPLATE_TERMINATED");
    }

    // Name and description.

    [Fact]
    public void A_template_may_be_renamed_and_the_name_is_trimmed()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);
        _clock.Advance(Days(1));

        Assert.Null(template.Rename("  Summer sale  ", Now));

        Assert.Equal("Summer sale", template.Name);
        Assert.Equal(Now, template.UpdatedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_name_cannot_be_removed(string? name)
    {
        var template = ATemplate.EndingIn(Days(30), _clock);

        AssertRefused(template.Rename(name, Now), 400, "VALIDATION_FAILED", "name");

        Assert.Equal("Spring sale", template.Name);
    }

    [Fact]
    public void A_name_is_at_most_100_characters()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);

        AssertRefused(template.Rename(new string('n', TemplateRules.MaxNameLength + 1), Now), 400, "VALIDATION_FAILED", "name");
        Assert.Null(template.Rename(new string('n', TemplateRules.MaxNameLength), Now));
    }

    [Fact]
    public void A_description_may_change_or_be_cleared()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);

        Assert.Null(template.Describe("  Now with more off  ", Now));
        Assert.Equal("Now with more off", template.Description);
        Assert.Null(template.Describe(null, Now));
        Assert.Equal("", template.Description);
    }

    [Fact]
    public void A_description_is_at_most_1000_characters()
    {
        var template = ATemplate.EndingIn(Days(30), _clock);

        AssertRefused(
            template.Describe(new string('d', TemplateRules.MaxDescriptionLength + 1), Now),
            400,
            "VALIDATION_FAILED",
            "description");
        Assert.Equal("5 off anything", template.Description);
        Assert.Null(template.Describe(new string('d', TemplateRules.MaxDescriptionLength), Now));
    }
}
