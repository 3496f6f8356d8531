namespace PromotionEngine.Platform.Tests;

/// <summary>Promotion:Roles names the modules a process serves, from those the Host says it has.</summary>
public sealed class ParsingRoles
{
    private static readonly string[] Modules = ["merchant-admin", "engine", "distribution", "settlement", "search"];

    [Fact]
    public void All_serves_every_module_the_host_named()
    {
        var roles = Roles.Parse("all", Modules);

        Assert.All(Modules, module => Assert.True(roles.Serves(module)));
        Assert.False(roles.Serves("billing"));
    }

    [Fact]
    public void A_list_serves_its_modules_only_whatever_the_spacing()
    {
        var roles = Roles.Parse(" engine , search,", Modules);

        Assert.True(roles.Serves("engine"));
        Assert.True(roles.Serves("search"));
        Assert.False(roles.Serves("merchant-admin"));
    }

    [Theory]
    [InlineData("engine,billing", "billing")]
    [InlineData("Engine", "Engine")] // names are exact
    [InlineData("all,engine", "all")] // "all" stands alone
    public void An_unknown_name_is_refused_and_named(string text, string unknown)
    {
        var refused = Assert.Throws<SettingsException>(() => Roles.Parse(text, Modules));

        Assert.EndsWith($"unknown: {unknown}.", refused.Message);
        Assert.Contains(string.Join(", ", Modules), refused.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public void No_name_at_all_is_refused(string text) => Assert.Throws<SettingsException>(() => Roles.Parse(text, Modules));

    [Fact]
    public void A_consumer_runs_where_its_module_is_served_and_one_of_no_known_module_everywhere()
    {
        var roles = Roles.Parse("engine", Modules);

        Assert.True(roles.ServesConsumer("engine.expiry"));
        Assert.False(roles.ServesConsumer("settlement.orders"));
        Assert.True(roles.ServesConsumer("audit.trail"));
        Assert.True(roles.ServesConsumer("system-tests"));
    }
}
