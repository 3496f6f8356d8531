using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>A template's time zone and its per-user limits per day, ISO week and month in it.</summary>
public class LimitingClaimsPerPeriod
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private CreateTemplateRequest AValidRequest => ATemplateRequest.FixedAmountOnThePlatform(Now) with { PerUserLimit = 10 };

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    [Fact]
    public void Without_a_word_a_template_is_in_utc_with_no_period_limit()
    {
        var definition = Validate(AValidRequest).AssertAccepted();
        var template = CouponTemplate.Create(new TemplateId(77), ATemplate.AMerchant, definition, Now);

        Assert.Equal(new ClaimPeriodLimits("UTC", null, null, null), template.PeriodLimits);
        var state = TemplateStates.Of(template, 0);
        Assert.Equal(("UTC", (int?)null, (int?)null, (int?)null), (state.TimeZone, state.PerUserDailyLimit, state.PerUserWeeklyLimit,
            state.PerUserMonthlyLimit));
    }

    [Theory]
    [InlineData("Asia/Shanghai")]
    [InlineData("Europe/Berlin")]
    [InlineData("America/Sao_Paulo")]
    [InlineData("UTC")]
    public void An_iana_zone_is_taken_as_it_is_spelled(string zone)
    {
        var definition = Validate(AValidRequest with { TimeZone = zone, PerUserDailyLimit = 1 }).AssertAccepted();

        Assert.Equal(zone, definition.PeriodLimits!.TimeZone);
    }

    [Theory]
    [InlineData("Asia/Atlantis")]
    [InlineData("asia/shanghai")] // the gates look zones up by exact spelling: refused, not guessed
    [InlineData("China Standard Time")]
    [InlineData("+08:00")]
    [InlineData("")]
    public void An_unknown_zone_is_refused_on_time_zone_with_its_own_code_when_it_is_the_only_fault(string zone)
    {
        var errors = new FieldErrors();

        var definition = TemplateDefinition.From(AValidRequest with { TimeZone = zone }, Now, errors, out var onlyTheZone);

        Assert.Null(definition);
        Assert.True(onlyTheZone);
        Assert.Equal(["timeZone"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void An_unknown_zone_beside_other_faults_is_one_of_them()
    {
        var errors = new FieldErrors();

        var definition = TemplateDefinition.From(AValidRequest with { TimeZone = "Mars/Olympus", Name = "" }, Now, errors, out var onlyTheZone);

        Assert.Null(definition);
        Assert.False(onlyTheZone);
        Assert.Equal(["name", "timeZone"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Each_period_limit_is_kept()
    {
        var definition = Validate(AValidRequest with
        {
            TimeZone = "Asia/Shanghai",
            PerUserDailyLimit = 1,
            PerUserWeeklyLimit = 3,
            PerUserMonthlyLimit = 10,
        }).AssertAccepted();

        Assert.Equal(new ClaimPeriodLimits("Asia/Shanghai", 1, 3, 10), definition.PeriodLimits);
    }

    [Theory]
    [InlineData("perUserDailyLimit", 0)]
    [InlineData("perUserWeeklyLimit", -1)]
    [InlineData("perUserMonthlyLimit", 11)] // above the lifetime limit of 10: it could never bind
    public void A_period_limit_is_1_to_the_lifetime_limit(string field, int limit)
    {
        var request = field switch
        {
            "perUserDailyLimit" => AValidRequest with { PerUserDailyLimit = limit },
            "perUserWeeklyLimit" => AValidRequest with { PerUserWeeklyLimit = limit },
            _ => AValidRequest with { PerUserMonthlyLimit = limit },
        };

        Validate(request).AssertRefusedOnly(field);
    }

    [Fact]
    public void The_zone_and_the_limits_are_in_the_audit_of_the_creation()
    {
        var definition = Validate(AValidRequest with { TimeZone = "Asia/Shanghai", PerUserDailyLimit = 2, PerUserMonthlyLimit = 5 })
            .AssertAccepted();
        var template = CouponTemplate.Create(new TemplateId(77), ATemplate.AMerchant, definition, Now);

        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(AuditValues.Serialize(AuditValues.Of(template)))!;

        Assert.Equal("Asia/Shanghai", values["timeZone"].GetString());
        Assert.Equal(2, values["perUserDailyLimit"].GetInt32());
        Assert.Equal(JsonValueKind.Null, values["perUserWeeklyLimit"].ValueKind);
        Assert.Equal(5, values["perUserMonthlyLimit"].GetInt32());
    }

    [Theory]
    [InlineData("timeZone", "\"Asia/Shanghai\"")]
    [InlineData("perUserDailyLimit", "3")]
    [InlineData("perUserWeeklyLimit", "3")]
    [InlineData("perUserMonthlyLimit", "3")]
    public void The_zone_and_the_limits_cannot_change_after_creation(string field, string json)
    {
        var errors = new FieldErrors();
        var fixedFields = new FieldErrors();

        var changes = TemplateChanges.From(JsonDocument.Parse($$"""{"{{field}}": {{json}}}""").RootElement, errors, fixedFields);

        Assert.Null(changes);
        Assert.Empty(errors.ToDictionary());
        Assert.Equal([field], fixedFields.ToDictionary().Keys);
    }
}
