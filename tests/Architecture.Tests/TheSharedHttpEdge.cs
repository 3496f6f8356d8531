using System.Reflection;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// One HTTP edge for every module: src/ModuleHttp's sources (problem results, policy callers, the Idempotency-Key header,
/// paging) are compiled into each module through ModuleHttp.props, never copied into one, and never into Kernel or Contracts.
/// </summary>
public class TheSharedHttpEdge
{
    private static readonly Assembly[] Modules =
        [Assemblies.Engine, Assemblies.Admin, Assemblies.Distribution, Assemblies.Settlement, Assemblies.Search, Assemblies.Clearing];

    // The shared types, by simple name: a module type of one of these names outside the shared namespace is a copy.
    private static readonly string[] SharedTypes = ["ProblemResults", "PolicyCallers", "IdempotencyKeyHeader", "Paging"];

    public static TheoryData<string> ModuleNames() => ["Engine", "MerchantAdmin", "Distribution", "Settlement", "Search", "Clearing"];

    [Theory]
    [MemberData(nameof(ModuleNames))]
    public void Every_module_compiles_the_shared_edge(string module)
    {
        var assembly = Assemblies.Named(module);

        Assert.All(SharedTypes, name => Assert.NotNull(assembly.GetType($"{Rules.SharedHttpEdge}.{name}")));
    }

    [Fact]
    public void No_module_keeps_a_copy_of_its_own()
    {
        var copies = Modules.SelectMany(a => a.GetTypes())
            .Where(t => SharedTypes.Contains(t.Name) && t.Namespace != Rules.SharedHttpEdge)
            .Select(t => t.FullName + " in " + t.Assembly.GetName().Name);

        Assert.Empty(copies);
    }

    [Fact]
    public void Kernel_and_contracts_stay_without_it() =>
        Assert.DoesNotContain(
            new[] { Assemblies.Kernel, Assemblies.Contracts }.SelectMany(a => a.GetTypes()), t => t.Namespace == Rules.SharedHttpEdge);
}
