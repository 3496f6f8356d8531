using ArchUnitNET.Domain;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// The rules above, run against types that break them (Offending/), must fail: a rule that cannot fail
/// proves nothing, and ArchUnitNET passes silently on types it did not load.
/// </summary>
public class EveryRuleCanFail
{
    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Dapper")]
    [InlineData("MySqlConnector")]
    [InlineData("StackExchange.Redis")]
    public void The_library_rule_fails_on_a_type_that_uses_the_library(string library) =>
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(library).Check(Architectures.All));

    [Fact]
    public void The_library_rule_fails_on_a_module_that_uses_the_web_and_dapper()
    {
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Engine).UseNothingFrom("Microsoft.AspNetCore").Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Admin).UseNothingFrom("Dapper").Check(Architectures.All));
    }

    [Fact]
    public void The_library_rule_fails_on_the_search_index() =>
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Search).UseNothingFrom("Lucene.Net").Check(Architectures.All));

    [Fact]
    public void The_module_rule_fails_on_a_type_that_uses_another_module()
    {
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(Assemblies.Engine).Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(Assemblies.Admin).Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(Assemblies.Distribution).Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(Assemblies.Settlement).Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TheOffenders.UseNothingFrom(Assemblies.Search).Check(Architectures.All));
    }

    [Fact]
    public void The_library_rule_fails_on_the_distribution_adapters_and_endpoints()
    {
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Distribution).UseNothingFrom("Dapper").Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(
            () => TypesIn(Assemblies.Distribution).UseNothingFrom("Microsoft.AspNetCore").Check(Architectures.All));
    }

    /// <summary>
    /// The rules of <see cref="ThePlatform"/>: using Platform is seen (the Host does), and Platform's types are loaded with what they
    /// use of our assemblies (Kernel here; a module the same way, as the offenders show above).
    /// </summary>
    [Fact]
    public void The_platform_rules_fail_on_the_host_and_see_what_the_platform_uses()
    {
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Host).UseNothingFrom(Assemblies.Platform).Check(Architectures.All));
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Platform).UseNothingFrom(Assemblies.Kernel).Check(Architectures.All));
    }

    [Fact]
    public void The_one_type_per_file_rule_fails_on_the_offenders_which_share_one_file() =>
        Assert.NotEmpty(OneTypePerFile.Mismatches(typeof(EveryRuleCanFail).Assembly,
            Path.Combine(Source.Root, "tests", "Architecture.Tests", "Offending"), "PromotionEngine.Architecture.Tests.Offending"));

    [Fact]
    public void The_entry_point_rule_fails_on_an_assembly_with_other_public_types() =>
        Assert.Throws<FailedArchRuleException>(() =>
            TypesIn(typeof(EveryRuleCanFail).Assembly).ExposeOnly(nameof(EveryRuleCanFail)).Check(Architectures.All));

    [Fact]
    public void The_entry_point_rule_fails_when_the_entry_point_is_misnamed() =>
        Assert.Throws<FailedArchRuleException>(() => TypesIn(Assemblies.Engine).ExposeOnly("EngineEntry").Check(Architectures.All));

    private const string Cycle = "PromotionEngine.Architecture.Tests.Offending.Cycle";

    /// <summary>The offending pair of Offending/ACycle.cs, each namespace a module.</summary>
    private static Dictionary<string, IReadOnlyList<IType>> TheOffendingPair()
    {
        var pair = new Dictionary<string, IReadOnlyList<IType>>(StringComparer.Ordinal)
        {
            ["catalog"] = Types().That().ResideInNamespace(Cycle + ".Catalog").GetObjects(Architectures.All).ToList(),
            ["issuance"] = Types().That().ResideInNamespace(Cycle + ".Issuance").GetObjects(Architectures.All).ToList(),
        };
        Assert.All(pair.Values, Assert.NotEmpty); // a namespace the loader never saw would select nothing and prove nothing
        return pair;
    }

    [Fact]
    public void The_one_way_rule_fails_on_two_modules_that_call_each_other_and_names_the_cycle()
    {
        var failure = Assert.Throws<ModuleCycleException>(() => ModuleCalls.Of(TheOffendingPair()).CheckOneWay());

        Assert.Contains("catalog → issuance → catalog via ICouponIssuance, ICouponTemplateCatalog", failure.Message);
        Assert.Contains("catalog → issuance: ICouponIssuance used by IssuedTemplates", failure.Message);
    }

    [Fact]
    public void The_one_way_rule_fails_on_a_module_that_closes_a_cycle_with_the_real_ones()
    {
        // Beside the real modules, the catalog answers a port the engine calls and calls the engine back: a new cycle, however
        // like the tolerated one it looks.
        var modules = new Dictionary<string, IReadOnlyList<IType>>(ModuleCalls.Modules(Assemblies.Modules, Architectures.All), StringComparer.Ordinal)
        {
            ["catalog"] = TheOffendingPair()["catalog"],
        };

        var failure = Assert.Throws<ModuleCycleException>(() => ModuleCalls.Of(modules).CheckOneWay(TheModuleCalls.Tolerated));

        Assert.Contains("catalog → engine → catalog via ICouponIssuance, ICouponTemplateCatalog", failure.Message);
        Assert.DoesNotContain(TheModuleCalls.Tolerated[0], failure.Message);
    }
}
