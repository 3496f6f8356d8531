using ArchUnitNET.xUnit;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>What every module may use depends on no module and on no web or data library.</summary>
public class TheKernelAndContracts
{
    [Theory]
    [InlineData("Kernel", "Engine")]
    [InlineData("Kernel", "MerchantAdmin")]
    [InlineData("Contracts", "Engine")]
    [InlineData("Contracts", "MerchantAdmin")]
    [InlineData("Kernel", "Distribution")]
    [InlineData("Contracts", "Distribution")]
    [InlineData("Kernel", "Settlement")]
    [InlineData("Contracts", "Settlement")]
    public void Depend_on_no_module(string shared, string module) =>
        TypesIn(Assemblies.Named(shared)).UseNothingFrom(Assemblies.Named(module)).Check(Architectures.All);

    [Theory]
    [InlineData("Kernel", "Microsoft.AspNetCore")]
    [InlineData("Kernel", "Dapper")]
    [InlineData("Kernel", "MySqlConnector")]
    [InlineData("Contracts", "Microsoft.AspNetCore")]
    [InlineData("Contracts", "Dapper")]
    [InlineData("Contracts", "MySqlConnector")]
    [InlineData("Kernel", "StackExchange.Redis")]
    [InlineData("Contracts", "StackExchange.Redis")]
    public void Use_no_web_or_data_library(string shared, string library) =>
        TypesIn(Assemblies.Named(shared)).UseNothingFrom(library).Check(Architectures.All);
}
