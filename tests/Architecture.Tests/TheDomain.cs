using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace PromotionEngine.Architecture.Tests;

/// <summary>Feature folders are plain C#: only adapters and endpoints see Dapper and ASP.NET Core.</summary>
public class TheDomain
{
    private const string CouponsNamespace = "PromotionEngine.Engine.Coupons";

    // The template aggregate and its value types; the Templates folder also holds endpoints, which may see ASP.NET Core.
    private static readonly string[] TemplateDomainTypes =
    [
        "CouponTemplate", "TemplateDefinition", "TemplateChanges", "Benefit", "CouponScope", "TemplateScope", "BenefitType",
        "TemplateStatus", "TerminateOutcome", "TemplateRules", "Iso8601Duration", "WireNames",
    ];

    // The distribution task aggregate, its progress and the recipient file rules (plain C#; the file readers, src/Tabular, are libraries).
    private static readonly string[] DistributionDomainTypes =
    [
        "DistributionTask", "DistributionStatus", "ImportState", "TaskMove", "NotifyChannel", "DistributionNames", "TaskProgress",
    ];

    private static GivenTypesConjunction DistributionTypes => Types().That().ResideInAssembly(Assemblies.Distribution)
        .And().ResideInNamespace("PromotionEngine.Distribution.Tasks")
        .And().HaveNameMatching($"^({string.Join('|', DistributionDomainTypes)})$");

    private static GivenTypesConjunction RecipientTypes => Types().That().ResideInAssembly(Assemblies.Distribution)
        .And().ResideInNamespace("PromotionEngine.Distribution.Recipients");

    private static GivenTypesConjunction UserCouponTypes => Types().That().ResideInNamespace(CouponsNamespace);

    private static GivenTypesConjunction TemplateTypes => Types().That().ResideInAssembly(Assemblies.Admin)
        .And().ResideInNamespace("PromotionEngine.MerchantAdmin.Templates")
        .And().HaveNameMatching($"^({string.Join('|', TemplateDomainTypes)})$");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void User_coupons_use_no_web_or_data_library(string library) => UserCouponTypes.UseNothingFrom(library).Check(Architectures.All);

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void Templates_use_no_web_or_data_library(string library) => TemplateTypes.UseNothingFrom(library).Check(Architectures.All);

    private static readonly string[] RecordDomainTypes =
    [
        "OrderRecord", "OrderStates", "StepNames", "StepOutcomes", "StepSources", "OrderStepEntry", "SkuQuantity", "RefundEntry",
        "RefundPolicy", "RefundFigures", "RefundUnits",
    ];

    private static GivenTypesConjunction RecordTypes => Types().That().ResideInNamespace("PromotionEngine.Settlement.Orders")
        .And().HaveNameMatching($"^({string.Join('|', RecordDomainTypes)})$");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void The_settlement_record_and_the_refund_policy_use_no_web_or_data_library(string library) =>
        RecordTypes.UseNothingFrom(library).Check(Architectures.All);

    private static GivenTypesConjunction PricingTypes => Types().That().ResideInNamespace("PromotionEngine.Settlement.Pricing");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void Distribution_tasks_and_recipient_files_use_no_web_or_data_library(string library)
    {
        DistributionTypes.UseNothingFrom(library).Check(Architectures.All);
        RecipientTypes.UseNothingFrom(library).Check(Architectures.All);
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void The_quote_engine_uses_no_web_or_data_library(string library) => PricingTypes.UseNothingFrom(library).Check(Architectures.All);

    private static GivenTypesConjunction SearchTemplateTypes => Types().That().ResideInNamespace("PromotionEngine.Search.Templates");

    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("Lucene.Net")]
    public void The_search_read_models_templates_use_no_web_data_or_index_library(string library) =>
        SearchTemplateTypes.UseNothingFrom(library).Check(Architectures.All);

    [Fact]
    public void The_rules_above_see_the_types_they_name()
    {
        Assert.Equal(DistributionDomainTypes.Order(StringComparer.Ordinal),
            DistributionTypes.GetObjects(Architectures.All).Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains("ImportRecipients", RecipientTypes.GetObjects(Architectures.All).Select(t => t.Name));
        Assert.Contains("BestCombination", PricingTypes.GetObjects(Architectures.All).Select(t => t.Name));
        Assert.Contains("IndexedTemplate", SearchTemplateTypes.GetObjects(Architectures.All).Select(t => t.Name));
        Assert.Equal(RecordDomainTypes.Order(StringComparer.Ordinal),
            RecordTypes.GetObjects(Architectures.All).Select(t => t.Name).Order(StringComparer.Ordinal));
        // A rule over no types passes: make sure a rename cannot empty these selections silently.
        Assert.Contains("UserCoupon", UserCouponTypes.GetObjects(Architectures.All).Select(t => t.Name));
        Assert.Equal(TemplateDomainTypes.Order(StringComparer.Ordinal),
            TemplateTypes.GetObjects(Architectures.All).Select(t => t.Name).Order(StringComparer.Ordinal));
    }
}
