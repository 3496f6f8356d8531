using System.Reflection;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace PromotionEngine.Architecture.Tests;

/// <summary>Each rule once, so the tests of our code and the tests that see it fail use the same rule.</summary>
internal static class Rules
{
    /// <summary>
    /// Leaves out the shared sources (src/ModuleHttp, src/Tabular): the same source is compiled into several modules, and
    /// ArchUnitNET tells types apart by full name only, so each module's own copy would look like a use of the first module's.
    /// <see cref="TheSharedHttpEdge"/> checks that edge on its own.
    /// </summary>
    public static IArchRule UseNothingFrom(this GivenTypesConjunction types, Assembly other) =>
        types.Should().NotDependOnAny(Types().That().ResideInAssembly(other).And().DoNotResideInNamespaceOrBelow(SharedHttpEdge)
            .And().DoNotResideInNamespaceOrBelow(SharedTabular));

    public const string SharedHttpEdge = "PromotionEngine.ModuleHttp";

    /// <summary>The streaming reading of uploaded tables (src/Tabular/Tabular.props), compiled into distribution and clearing.</summary>
    public const string SharedTabular = "PromotionEngine.Tabular";

    /// <summary>By namespace of the types depended on, so it sees types whether or not their assembly was loaded.</summary>
    public static IArchRule UseNothingFrom(this GivenTypesConjunction types, string library) =>
        types.Should().NotDependOnAnyTypesThat().ResideInNamespaceOrBelow(library);

    public static IArchRule ExposeOnly(this GivenTypesConjunction types, string entryPoint) =>
        types.And().ArePublic().And().AreNotNested().Should().HaveName(entryPoint);

    public static GivenTypesConjunction TypesIn(Assembly assembly) => Types().That().ResideInAssembly(assembly);

    /// <summary>Throws <see cref="ModuleCycleException"/> naming every cycle but the tolerated ones, and the types that make its calls.</summary>
    /// <param name="tolerated">Cycles written out whole as <see cref="ModuleCalls.Cycles"/> names them: one more port
    /// or module on it is a new cycle.</param>
    public static void CheckOneWay(this ModuleCalls calls, params string[] tolerated)
    {
        var cycles = calls.Cycles().Except(tolerated, StringComparer.Ordinal).ToList();
        if (cycles.Count > 0)
            throw new ModuleCycleException($"Calls between modules must go one way; these go round:{Environment.NewLine}{calls.Describe(cycles)}");
    }

    public static GivenTypesConjunction TheOffenders => Types().That().ResideInNamespace("PromotionEngine.Architecture.Tests.Offending");
}
