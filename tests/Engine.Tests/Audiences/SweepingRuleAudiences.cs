using PromotionEngine.Engine.Audiences;

namespace PromotionEngine.Engine.Tests.Audiences;

/// <summary>The rule sweep runs in one instance at a time: the one holding its lease; another takes over when that lapses.</summary>
public class SweepingRuleAudiences
{
    [Fact]
    public async Task Only_the_instance_holding_the_lease_sweeps_and_another_takes_over_when_it_lapses()
    {
        await using var store = await RulesOnSqlite.MigratedAsync();
        AudienceRuleSweeper first = store.Sweeper(), second = store.Sweeper();
        var audience = await store.RuleAudienceAsync(AudienceRuleKinds.ClaimedTemplate, template: 5, first);

        Assert.Equal((0L, 0L), await first.SweepAsync(CancellationToken.None));
        Assert.Null(await second.SweepAsync(CancellationToken.None));
        Assert.Null(await second.SweepAsync(CancellationToken.None));

        store.Clock.Advance(AudienceRuleSweeper.MinLease * 10); // longer than any lease: the first stopped renewing it
        Assert.Equal((0L, 0L), await second.SweepAsync(CancellationToken.None));
        Assert.Null(await first.SweepAsync(CancellationToken.None));
        Assert.False(await store.HoldsAsync(audience, 1));
    }
}
