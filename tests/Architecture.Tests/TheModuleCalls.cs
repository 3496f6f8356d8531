namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// Calls between modules go one way: no cycle through the Contracts ports, over every module the Host loads
/// (docs/decisions/0007-one-way-module-calls.md).
/// </summary>
public class TheModuleCalls
{
    /// <summary>
    /// The one cycle kept, and why (the decision record): reads, the claim path's template snapshot and the `issued`
    /// figure of the merchant's template views; since campaigns, a budgeted template's largest discount (engine) and a
    /// budget's spent and reserved (merchant-admin's campaign views); since audiences, whose an audience is when a template names
    /// one (the audience is the engine's: the claim gate reads its members). Breaking it means the engine keeps template snapshots
    /// of its own or the merchant's views learn `issued`, budgets and audiences from events, a change to the claim path or to
    /// what those views answer.
    /// </summary>
    internal static readonly string[] Tolerated =
        ["engine → merchant-admin → engine via IAudienceMembership, ICouponBudgets, ICouponIssuance, ICouponPricingTerms, ICouponTemplateCatalog"];

    /// <summary>The modules the Host project references, as the architecture loaded them.</summary>
    private static ModuleCalls HostModules() =>
        ModuleCalls.Of(ModuleCalls.Modules(
            TheModuleProjects.ReferencedProjects(TheModuleProjects.Project("Host")).Intersect(TheModuleProjects.ModuleNames())
                .Select(Assemblies.Named),
            Architectures.All));

    [Fact]
    public void Go_one_way() => HostModules().CheckOneWay(Tolerated);

    /// <summary>The day a tolerated cycle is broken it leaves the list, so the list never excuses a cycle that comes back.</summary>
    [Fact]
    public void Every_tolerated_cycle_is_still_there() => Assert.Subset(HostModules().Cycles().ToHashSet(), Tolerated.ToHashSet());

    [Fact]
    public void The_graph_is_over_every_module_the_host_loads_and_sees_their_ports()
    {
        var calls = HostModules();

        // A graph without edges has no cycle: make sure the ports are seen, in both kinds of use (a constructor parameter, a call).
        Assert.Contains(calls.Edges, e => e is { From: "settlement", To: "engine" } && e.Ports.Contains("ICouponWallet"));
        Assert.Contains(calls.Edges, e => e is { From: "settlement", To: "merchant-admin" } && e.Ports.Contains("ICouponPricingTerms"));
        Assert.Contains(calls.Edges, e => e is { From: "distribution", To: "engine" } && e.Ports.Contains("ICouponDistribution"));
        Assert.Contains(calls.Edges, e => e is { From: "search", To: "engine" } && e.Ports.Contains("IUserClaimCounts"));
        Assert.Equal(["clearing", "console", "distribution", "engine", "merchant-admin", "search", "settlement"],
            TheModuleProjects.ReferencedProjects(TheModuleProjects.Project("Host")).Intersect(TheModuleProjects.ModuleNames())
                .Select(Assemblies.Named).Select(ModuleCalls.ModuleName).Order(StringComparer.Ordinal));
    }
}
