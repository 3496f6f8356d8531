using PromotionEngine.Engine.Audiences;

namespace PromotionEngine.Engine.Tests.Audiences;

/// <summary>
/// The facts' consumer asks the in-memory view of which templates rules are about before it reads any rule: a claim no rule is
/// about costs no query of the rules (and, asked when the claim's delivery would be made, no delivery), and a rule created here is
/// followed from the next claim on; a claim another instance did not deliver because its view was older than the rule is caught up
/// by the rule's evaluation after the view's freshness window.
/// </summary>
public class FollowingAudienceFacts
{
    [Fact]
    public async Task Claims_of_templates_no_rule_is_about_read_no_rule()
    {
        await using var store = await RulesOnSqlite.MigratedAsync();
        await store.RuleAudienceAsync(AudienceRuleKinds.ClaimedTemplate, template: 5);
        var readsBefore = store.Rules.ReferenceReads;

        for (var user = 1; user <= 50; user++) await store.ClaimAsync(user, template: 6);

        Assert.Equal(0, store.Rules.AboutTemplateReads);
        Assert.True(store.Rules.ReferenceReads - readsBefore <= 1, $"{store.Rules.ReferenceReads - readsBefore} reads of the rules' references");
    }

    [Fact]
    public async Task A_claim_of_a_template_a_rule_is_about_is_decided_and_a_rule_made_here_is_followed_at_once()
    {
        await using var store = await RulesOnSqlite.MigratedAsync();
        await store.ClaimAsync(1, template: 5); // the view is read: no rule yet
        var claimed = await store.RuleAudienceAsync(AudienceRuleKinds.ClaimedTemplate, template: 5);
        var notClaimed = await store.RuleAudienceAsync(AudienceRuleKinds.NotClaimedTemplate, template: 5);

        await store.ClaimAsync(2, template: 5); // within the view's freshness: the change made here is seen anyway

        Assert.True(await store.HoldsAsync(claimed, 1)); // the evaluation at creation
        Assert.True(await store.HoldsAsync(claimed, 2)); // the event
        Assert.True(await store.HoldsAsync(notClaimed, 2)); // whom it leaves out
        Assert.Equal(1, store.Rules.AboutTemplateReads);
    }

    [Fact]
    public async Task A_claim_another_instance_did_not_deliver_within_its_views_freshness_is_caught_up_by_the_evaluation_after_that_window()
    {
        await using var store = await RulesOnSqlite.MigratedAsync();
        var other = store.OtherInstance();
        var sweeper = store.Sweeper();
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await store.ClaimAsync(1, template: 5, other); // the other instance reads its view: no rule yet
            var claimed = await store.RuleAudienceAsync(AudienceRuleKinds.ClaimedTemplate, template: 5, sweeper);
            await store.Rules.EvaluatedTimes(1);

            await store.ClaimAsync(2, template: 5, other); // after the rule's first evaluation, enlisted with the other's older view

            await store.Rules.EvaluatedTimes(2).WaitAsync(TimeSpan.FromSeconds(30)); // the creating instance's, once the window passed
            Assert.True(await store.HoldsAsync(claimed, 1));
            Assert.True(await store.HoldsAsync(claimed, 2));
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }
}
