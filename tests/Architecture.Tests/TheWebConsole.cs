using ArchUnitNET.xUnit;
using Microsoft.AspNetCore.Components;
using PromotionEngine.WebConsole;
using static PromotionEngine.Architecture.Tests.Rules;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// The web console is a module like the others, and a client of theirs through the public HTTP API only: it uses no other module
/// (nor their ports: it holds none of their types), and no module uses it. Razor generates every component as a public class
/// (the compiler has no internal components, by design: dotnet/aspnetcore#63041), so its public surface is its entry point and
/// its components, nothing else.
/// </summary>
public class TheWebConsole
{
    public static TheoryData<string> Others() => ["Engine", "MerchantAdmin", "Distribution", "Settlement", "Search", "Clearing"];

    [Theory]
    [MemberData(nameof(Others))]
    public void Uses_nothing_of_another_module_and_none_uses_it(string other)
    {
        TypesIn(Assemblies.WebConsole).UseNothingFrom(Assemblies.Named(other)).Check(Architectures.All);
        TypesIn(Assemblies.Named(other)).UseNothingFrom(Assemblies.WebConsole).Check(Architectures.All);
    }

    [Fact]
    public void Exposes_only_its_entry_point_and_razor_components()
    {
        var exposed = Assemblies.WebConsole.GetExportedTypes()
            .Where(t => !t.IsNested && !typeof(IComponent).IsAssignableFrom(t))
            .Where(t => t.Name != "_Imports") // Razor's class for _Imports.razor (the usings every component shares), also public
            .Select(t => t.FullName);

        Assert.Equal([typeof(ConsoleModule).FullName], exposed);
    }

    [Fact]
    public void Its_components_are_found() // the rule above would pass on an assembly whose components it cannot see
        => Assert.Contains(Assemblies.WebConsole.GetExportedTypes(), t => typeof(IComponent).IsAssignableFrom(t) && t.Name == "TemplatesPage");

    [Fact]
    public void Calls_no_module_through_a_contracts_port() =>
        Assert.DoesNotContain(ModuleCalls.Of(ModuleCalls.Modules(Assemblies.Modules, Architectures.All)).Edges,
            e => e.From == ConsoleModule.Name || e.To == ConsoleModule.Name);
}
