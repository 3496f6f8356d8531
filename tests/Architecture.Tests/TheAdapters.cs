using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// R6: use cases speak to ports; the adapters behind them (Adapters/) are seen only by the module's composition (its
/// root namespace: the entry class and its options) and by endpoints, which may reach an adapter for an operator verb.
/// </summary>
public class TheAdapters
{
    public static TheoryData<string> ModulesWithAdapters() => ["Engine", "MerchantAdmin", "Distribution", "Settlement"];

    private static GivenTypesConjunction OutsideTheAdapters(string module) => Types().That().ResideInAssembly(Assemblies.Named(module))
        .And().DoNotResideInNamespaceOrBelow($"PromotionEngine.{module}.Adapters")
        .And().DoNotResideInNamespace($"PromotionEngine.{module}");

    private static GivenTypesConjunction UseCases(string module) => OutsideTheAdapters(module).And().DoNotHaveNameMatching("Endpoints");

    private static void UseNoAdapter(GivenTypesConjunction types, string module) =>
        types.Should().NotDependOnAnyTypesThat().ResideInNamespaceOrBelow($"PromotionEngine.{module}.Adapters").Check(Architectures.All);

    [Theory]
    [MemberData(nameof(ModulesWithAdapters))]
    public void Use_cases_see_ports_never_adapters(string module) => UseNoAdapter(UseCases(module), module);

    [Fact]
    public void The_rule_fails_on_an_endpoint_that_reaches_an_adapter() =>
        // The operator's claim-counter rebuild talks to the Redis counters directly: counted in, the rule must fail.
        Assert.Throws<FailedArchRuleException>(() => UseNoAdapter(OutsideTheAdapters("Engine"), "Engine"));

    [Fact]
    public void The_rule_sees_the_use_cases_it_names() =>
        Assert.Contains("ClaimCoupon", UseCases("Engine").GetObjects(Architectures.All).Select(t => t.Name));
}
