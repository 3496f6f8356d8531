using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Who funds a template's discount: the merchant (the default), the platform, or a split in basis points.</summary>
public class FundingATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private CreateTemplateRequest AValidRequest => ATemplateRequest.FixedAmountOnThePlatform(Now);

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    private static TemplateState StateOf(TemplateDefinition definition, DateTimeOffset now) =>
        TemplateStates.Of(CouponTemplate.Create(new TemplateId(77), ATemplate.AMerchant, definition, now), 0);

    [Fact]
    public void Without_a_word_the_merchant_funds_the_whole_discount()
    {
        var definition = Validate(AValidRequest).AssertAccepted();

        Assert.Equal((FundingKind.Merchant, 0), (definition.Funding, definition.PlatformShareBps));
        Assert.Equal((FundingKinds.Merchant, 0), (StateOf(definition, Now).Funding, StateOf(definition, Now).PlatformShareBps));
    }

    [Theory]
    [InlineData("MERCHANT", null, 0)]
    [InlineData("MERCHANT", 0, 0)]
    [InlineData("PLATFORM", null, 10_000)]
    [InlineData("PLATFORM", 10_000, 10_000)]
    [InlineData("SPLIT", 1, 1)]
    [InlineData("SPLIT", 3000, 3000)]
    [InlineData("SPLIT", 9999, 9999)]
    public void Each_kind_takes_its_platform_share(string funding, int? bps, int share)
    {
        var definition = Validate(AValidRequest with { Funding = funding, PlatformShareBps = bps }).AssertAccepted();

        Assert.Equal((funding, share), (WireNames.Of(definition.Funding), definition.PlatformShareBps));
    }

    [Theory]
    [InlineData(null, 5000)]        // the default is MERCHANT: a share needs SPLIT
    [InlineData("MERCHANT", 1)]
    [InlineData("MERCHANT", 10_000)]
    [InlineData("PLATFORM", 0)]
    [InlineData("PLATFORM", 9999)]
    [InlineData("SPLIT", null)]     // a split says how it splits
    [InlineData("SPLIT", 0)]
    [InlineData("SPLIT", 10_000)]
    [InlineData("SPLIT", -1)]
    [InlineData("SPLIT", 10_001)]
    public void A_share_that_does_not_fit_the_kind_is_refused_on_platform_share_bps(string? funding, int? bps) =>
        Validate(AValidRequest with { Funding = funding, PlatformShareBps = bps }).AssertRefusedOnly("platformShareBps");

    [Theory]
    [InlineData("merchant")]
    [InlineData("Platform")]
    [InlineData("BOTH")]
    [InlineData("")]
    public void Anything_but_the_three_kinds_is_refused_on_funding(string funding) =>
        Validate(AValidRequest with { Funding = funding, PlatformShareBps = 5000 }).AssertRefusedOnly("funding");

    [Fact]
    public void A_funding_fault_is_reported_with_the_other_faults()
    {
        Validate(AValidRequest with { Name = "", Funding = "SPLIT", PlatformShareBps = 0 }).AssertRefusedOnly("name", "platformShareBps");
    }

    [Fact]
    public void The_funding_is_in_the_template_state_its_events_carry()
    {
        var definition = Validate(AValidRequest with { Funding = "SPLIT", PlatformShareBps = 2500 }).AssertAccepted();

        var state = StateOf(definition, Now);

        Assert.Equal((FundingKinds.Split, 2500), (state.Funding, state.PlatformShareBps));
    }

    [Fact]
    public void The_funding_is_in_the_audit_of_the_creation()
    {
        var definition = Validate(AValidRequest with { Funding = "PLATFORM" }).AssertAccepted();
        var template = CouponTemplate.Create(new TemplateId(77), ATemplate.AMerchant, definition, Now);

        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(AuditValues.Serialize(AuditValues.Of(template)))!;

        Assert.Equal("PLATFORM", values["funding"].GetString());
        Assert.Equal(10_000, values["platformShareBps"].GetInt32());
    }

    [Theory]
    [InlineData("funding", "\"PLATFORM\"")]
    [InlineData("platformShareBps", "5000")]
    public void The_funding_cannot_change_after_creation(string field, string json)
    {
        var errors = new FieldErrors();
        var fixedFields = new FieldErrors();

        var changes = TemplateChanges.From(JsonDocument.Parse($$"""{"{{field}}": {{json}}}""").RootElement, errors, fixedFields);

        Assert.Null(changes);
        Assert.Empty(errors.ToDictionary());
        Assert.Equal([field], fixedFields.ToDictionary().Keys);
    }
}
