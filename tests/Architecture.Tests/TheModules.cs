using ArchUnitNET.xUnit;
using PromotionEngine.Engine;
using PromotionEngine.MerchantAdmin;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>R1: modules meet only through Contracts.</summary>
public class TheModules
{
    [Fact]
    public void Engine_uses_nothing_from_merchant_admin() => TypesIn(Assemblies.Engine).UseNothingFrom(Assemblies.Admin).Check(Architectures.All);

    [Fact]
    public void Merchant_admin_uses_nothing_from_the_engine() => TypesIn(Assemblies.Admin).UseNothingFrom(Assemblies.Engine).Check(Architectures.All);

    [Fact]
    public void Engine_exposes_only_its_entry_point() => TypesIn(Assemblies.Engine).ExposeOnly(nameof(EngineModule)).Check(Architectures.All);

    [Fact]
    public void Merchant_admin_exposes_only_its_entry_point() =>
        TypesIn(Assemblies.Admin).ExposeOnly(nameof(MerchantAdminModule)).Check(Architectures.All);
}
