using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Name, description, currency, and how faults are reported.</summary>
public class DefiningATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private CreateTemplateRequest AValidRequest => ATemplateRequest.FixedAmountOnThePlatform(Now);

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    [Fact]
    public void A_valid_request_defines_the_template_it_describes()
    {
        var definition = Validate(AValidRequest with { ValidityAfterClaim = "P7D", Stock = 250, PerUserLimit = 3 }).AssertAccepted();

        Assert.Equal("Spring sale", definition.Name);
        Assert.Equal("5 off anything", definition.Description);
        Assert.Equal("CNY", definition.Currency);
        Assert.Equal(TemplateScope.Platform, definition.Scope.Kind);
        Assert.Null(definition.Scope.ShopId);
        Assert.Empty(definition.Scope.ProductIds);
        Assert.Empty(definition.Scope.CategoryIds);
        Assert.Equal(new Benefit(BenefitType.FixedAmount, 500, null, null, null), definition.Benefit);
        Assert.Equal(Now - TimeSpan.FromHours(1), definition.ValidFrom);
        Assert.Equal(Now + TimeSpan.FromDays(30), definition.ValidUntil);
        Assert.Equal(TimeSpan.FromDays(7), definition.ValidityAfterClaim);
        Assert.Equal(250, definition.Stock);
        Assert.Equal(3, definition.PerUserLimit);
    }

    [Fact]
    public void Every_fault_is_reported_at_once_under_its_json_field()
    {
        var nothing = new CreateTemplateRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

        Validate(nothing).AssertRefusedOnly("name", "currency", "scope", "type", "validFrom", "validUntil", "stock", "perUserLimit");
    }

    [Fact]
    public void Faults_in_scope_benefit_window_and_limits_are_reported_together()
    {
        var request = AValidRequest with
        {
            Name = " ",
            Currency = "yuan",
            Scope = "SHOP",
            ShopId = null,
            DiscountAmount = 0,
            ValidUntil = Now - TimeSpan.FromDays(2),
            ValidityAfterClaim = "P1M",
            Stock = 0,
            PerUserLimit = 0,
        };

        Validate(request).AssertRefusedOnly(
            "name", "currency", "shopId", "discountAmount", "validUntil", "validityAfterClaim", "stock", "perUserLimit");
    }

    [Fact]
    public void Times_are_kept_in_utc()
    {
        var beijing = TimeSpan.FromHours(8);
        var from = new DateTimeOffset(2026, 3, 1, 8, 0, 0, beijing);
        var until = new DateTimeOffset(2026, 4, 1, 8, 0, 0, beijing);

        var definition = Validate(AValidRequest with { ValidFrom = from, ValidUntil = until }).AssertAccepted();

        Assert.Equal(TimeSpan.Zero, definition.ValidFrom.Offset);
        Assert.Equal(TimeSpan.Zero, definition.ValidUntil.Offset);
        Assert.Equal(from, definition.ValidFrom);
        Assert.Equal(until, definition.ValidUntil);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_name_is_required(string? name) => Validate(AValidRequest with { Name = name }).AssertRefusedOnly("name");

    [Fact]
    public void A_name_is_at_most_100_characters()
    {
        Validate(AValidRequest with { Name = new string('n', TemplateRules.MaxNameLength + 1) }).AssertRefusedOnly("name");
        Validate(AValidRequest with { Name = new string('n', TemplateRules.MaxNameLength) }).AssertAccepted();
    }

    [Fact]
    public void A_name_is_trimmed_before_it_is_measured()
    {
        var definition = Validate(AValidRequest with { Name = "  " + new string('n', TemplateRules.MaxNameLength) + "  " }).AssertAccepted();

        Assert.Equal(new string('n', TemplateRules.MaxNameLength), definition.Name);
    }

    [Fact]
    public void A_description_is_optional()
    {
        var definition = Validate(AValidRequest with { Description = null }).AssertAccepted();

        Assert.Equal("", definition.Description);
    }

    [Fact]
    public void A_description_is_at_most_1000_characters()
    {
        Validate(AValidRequest with { Description = new string('d', TemplateRules.MaxDescriptionLength + 1) }).AssertRefusedOnly("description");
        Validate(AValidRequest with { Description = new string('d', TemplateRules.MaxDescriptionLength) }).AssertAccepted();
    }

    [Theory]
    [InlineData("CNY")]
    [InlineData("USD")]
    [InlineData("EUR")]
    public void A_currency_is_a_three_letter_upper_case_code(string currency) =>
        Validate(AValidRequest with { Currency = currency }).AssertAccepted();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cny")]
    [InlineData("Cny")]
    [InlineData("CN")]
    [InlineData("CNYY")]
    [InlineData("C1Y")]
    [InlineData(" CNY")]
    [InlineData("¥")]
    public void Anything_else_is_not_a_currency(string? currency) =>
        Validate(AValidRequest with { Currency = currency }).AssertRefusedOnly("currency");
}
