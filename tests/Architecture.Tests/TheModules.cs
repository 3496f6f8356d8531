using ArchUnitNET.xUnit;
using PromotionEngine.Clearing;
using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Search;
using PromotionEngine.Settlement;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>R1: modules meet only through Contracts.</summary>
public class TheModules
{
    [Fact]
    public void Engine_uses_nothing_from_merchant_admin() => TypesIn(Assemblies.Engine).UseNothingFrom(Assemblies.Admin).Check(Architectures.All);

    [Fact]
    public void Merchant_admin_uses_nothing_from_the_engine() => TypesIn(Assemblies.Admin).UseNothingFrom(Assemblies.Engine).Check(Architectures.All);

    [Theory]
    [InlineData("Settlement", "Engine")]
    [InlineData("Settlement", "MerchantAdmin")]
    [InlineData("Engine", "Settlement")]
    [InlineData("MerchantAdmin", "Settlement")]
    public void Settlement_and_the_other_modules_use_nothing_of_each_other(string module, string other) =>
        TypesIn(Assemblies.Named(module)).UseNothingFrom(Assemblies.Named(other)).Check(Architectures.All);

    [Fact]
    public void Settlement_exposes_only_its_entry_point() =>
        TypesIn(Assemblies.Settlement).ExposeOnly(nameof(SettlementModule)).Check(Architectures.All);

    [Fact]
    public void Engine_exposes_only_its_entry_point() => TypesIn(Assemblies.Engine).ExposeOnly(nameof(EngineModule)).Check(Architectures.All);

    [Fact]
    public void Merchant_admin_exposes_only_its_entry_point() =>
        TypesIn(Assemblies.Admin).ExposeOnly(nameof(MerchantAdminModule)).Check(Architectures.All);

    [Theory]
    [InlineData("Engine")]
    [InlineData("MerchantAdmin")]
    public void Distribution_uses_nothing_from_another_module(string other) =>
        TypesIn(Assemblies.Distribution).UseNothingFrom(Assemblies.Named(other)).Check(Architectures.All);

    [Theory]
    [InlineData("Engine")]
    [InlineData("MerchantAdmin")]
    public void No_module_uses_anything_from_distribution(string module) =>
        TypesIn(Assemblies.Named(module)).UseNothingFrom(Assemblies.Distribution).Check(Architectures.All);

    [Theory]
    [InlineData("Engine")]
    [InlineData("MerchantAdmin")]
    [InlineData("Distribution")]
    [InlineData("Settlement")]
    public void Search_and_the_other_modules_use_nothing_of_each_other(string other)
    {
        TypesIn(Assemblies.Search).UseNothingFrom(Assemblies.Named(other)).Check(Architectures.All);
        TypesIn(Assemblies.Named(other)).UseNothingFrom(Assemblies.Search).Check(Architectures.All);
    }

    [Fact]
    public void Search_exposes_only_its_entry_point() => TypesIn(Assemblies.Search).ExposeOnly(nameof(SearchModule)).Check(Architectures.All);

    [Fact]
    public void Distribution_exposes_only_its_entry_point() =>
        TypesIn(Assemblies.Distribution).ExposeOnly(nameof(DistributionModule)).Check(Architectures.All);

    [Theory]
    [InlineData("Engine")]
    [InlineData("MerchantAdmin")]
    [InlineData("Distribution")]
    [InlineData("Settlement")]
    [InlineData("Search")]
    public void Clearing_and_the_other_modules_use_nothing_of_each_other(string other)
    {
        TypesIn(Assemblies.Clearing).UseNothingFrom(Assemblies.Named(other)).Check(Architectures.All);
        TypesIn(Assemblies.Named(other)).UseNothingFrom(Assemblies.Clearing).Check(Architectures.All);
    }

    [Fact]
    public void Clearing_exposes_only_its_entry_point() =>
        TypesIn(Assemblies.Clearing).ExposeOnly(nameof(ClearingModule)).Check(Architectures.All);
}
