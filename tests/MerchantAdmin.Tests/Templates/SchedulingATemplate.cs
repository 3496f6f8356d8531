using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>The template's window, each coupon's own life after claim, stock and the per-user limit.</summary>
public class SchedulingATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private CreateTemplateRequest AValidRequest => ATemplateRequest.FixedAmountOnThePlatform(Now);

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    private static TimeSpan Days(int days) => TimeSpan.FromDays(days);

    [Fact]
    public void A_window_needs_a_start() => Validate(AValidRequest with { ValidFrom = null }).AssertRefusedOnly("validFrom");

    [Fact]
    public void A_window_needs_an_end() => Validate(AValidRequest with { ValidUntil = null }).AssertRefusedOnly("validUntil");

    [Fact]
    public void A_window_ends_after_it_starts()
    {
        Validate(AValidRequest with { ValidFrom = Now + Days(5), ValidUntil = Now + Days(5) }).AssertRefusedOnly("validUntil");
        Validate(AValidRequest with { ValidFrom = Now + Days(5), ValidUntil = Now + Days(4) }).AssertRefusedOnly("validUntil");
    }

    [Fact]
    public void A_window_ends_in_the_future()
    {
        Validate(AValidRequest with { ValidFrom = Now - Days(10), ValidUntil = Now }).AssertRefusedOnly("validUntil");
        Validate(AValidRequest with { ValidFrom = Now - Days(10), ValidUntil = Now + TimeSpan.FromSeconds(1) }).AssertAccepted();
    }

    [Fact]
    public void A_window_may_start_in_the_past_or_the_future()
    {
        Validate(AValidRequest with { ValidFrom = Now - Days(100) }).AssertAccepted();
        Validate(AValidRequest with { ValidFrom = Now + Days(10), ValidUntil = Now + Days(20) }).AssertAccepted();
    }

    [Fact]
    public void A_window_is_at_most_3660_days()
    {
        Validate(AValidRequest with { ValidFrom = Now, ValidUntil = Now + TemplateRules.MaxWindow }).AssertAccepted();
        Validate(AValidRequest with { ValidFrom = Now, ValidUntil = Now + TemplateRules.MaxWindow + TimeSpan.FromSeconds(1) })
            .AssertRefusedOnly("validUntil");
    }

    [Fact]
    public void Every_window_fault_is_reported()
    {
        var validated = Validate(AValidRequest with { ValidFrom = Now - Days(1), ValidUntil = Now - Days(2) });

        validated.AssertRefusedOnly("validUntil");
        Assert.Equal(2, validated.Errors["validUntil"].Length); // before the start, and in the past
    }

    [Fact]
    public void Coupons_without_their_own_life_last_the_window()
    {
        var definition = Validate(AValidRequest with { ValidityAfterClaim = null }).AssertAccepted();

        Assert.Null(definition.ValidityAfterClaim);
    }

    [Theory]
    [InlineData("PT1M", 0, 0, 1, 0)]
    [InlineData("PT60S", 0, 0, 1, 0)]
    [InlineData("PT12H", 0, 12, 0, 0)]
    [InlineData("P7D", 7, 0, 0, 0)]
    [InlineData("P2W", 14, 0, 0, 0)]
    [InlineData("P1DT12H", 1, 12, 0, 0)]
    [InlineData("P3660D", 3660, 0, 0, 0)]
    public void A_life_after_claim_is_an_iso_duration_of_a_minute_to_3660_days(string text, int days, int hours, int minutes, int seconds)
    {
        var definition = Validate(AValidRequest with { ValidityAfterClaim = text }).AssertAccepted();

        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), definition.ValidityAfterClaim);
    }

    [Theory]
    [InlineData("P1M")]   // a month has no single length
    [InlineData("P1Y")]
    [InlineData("P1Y2M")]
    [InlineData("7 days")]
    [InlineData("7")]
    [InlineData("")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P7DT")]
    [InlineData("p7d")]
    [InlineData("P1.5D")]
    [InlineData("-P7D")]
    public void A_life_after_claim_that_is_not_a_fixed_length_is_refused(string text) =>
        Validate(AValidRequest with { ValidityAfterClaim = text }).AssertRefusedOnly("validityAfterClaim");

    [Theory]
    [InlineData("PT0S")]
    [InlineData("P0D")]
    [InlineData("PT59S")]
    [InlineData("P3661D")]
    [InlineData("P523W")] // 3661 days
    public void A_life_after_claim_shorter_than_a_minute_or_longer_than_3660_days_is_refused(string text) =>
        Validate(AValidRequest with { ValidityAfterClaim = text }).AssertRefusedOnly("validityAfterClaim");

    [Theory]
    [InlineData(1L)]
    [InlineData(TemplateRules.MaxStock)]
    public void Stock_is_1_to_a_billion(long stock) => Validate(AValidRequest with { Stock = stock }).AssertAccepted();

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(TemplateRules.MaxStock + 1)]
    public void Stock_outside_1_to_a_billion_is_refused(long? stock) => Validate(AValidRequest with { Stock = stock }).AssertRefusedOnly("stock");

    [Theory]
    [InlineData(1)]
    [InlineData(TemplateRules.MaxPerUserLimit)]
    public void The_per_user_limit_is_1_to_1000(int limit) => Validate(AValidRequest with { PerUserLimit = limit }).AssertAccepted();

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(TemplateRules.MaxPerUserLimit + 1)]
    public void A_per_user_limit_outside_1_to_1000_is_refused(int? limit) =>
        Validate(AValidRequest with { PerUserLimit = limit }).AssertRefusedOnly("perUserLimit");
}
