using ArchUnitNET.xUnit;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// Platform is the plumbing every module runs on (messaging, persistence, identity, web, health, telemetry): it knows no
/// module, and no module knows it; the Host composes both. The project rules are in <see cref="TheModuleProjects"/>.
/// </summary>
public class ThePlatform
{
    private static readonly string[] ModuleNames = ["Engine", "MerchantAdmin", "Distribution", "Settlement", "Search", "Clearing", "WebConsole"];

    public static TheoryData<string> Modules() => [.. ModuleNames];

    [Theory]
    [MemberData(nameof(Modules))]
    public void Uses_nothing_from_a_module(string module) =>
        TypesIn(Assemblies.Platform).UseNothingFrom(Assemblies.Named(module)).Check(Architectures.All);

    [Theory]
    [MemberData(nameof(Modules))]
    public void Is_used_by_no_module(string module) =>
        TypesIn(Assemblies.Named(module)).UseNothingFrom(Assemblies.Platform).Check(Architectures.All);

    [Theory]
    [InlineData("Kernel")]
    [InlineData("Contracts")]
    public void Is_used_by_neither_the_kernel_nor_contracts(string shared) =>
        TypesIn(Assemblies.Named(shared)).UseNothingFrom(Assemblies.Platform).Check(Architectures.All);

    [Fact]
    public void Every_module_is_checked() =>
        Assert.Equal(Assemblies.Modules, ModuleNames.Select(Assemblies.Named));
}
