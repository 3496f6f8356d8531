using PromotionEngine.Engine.Audiences;

namespace PromotionEngine.Engine.Tests.Audiences;

/// <summary>
/// The facts' consumer asks the in-memory view of which templates rules are about before it reads any rule: a claim no rule is
/// about costs no query of the rules, and a rule created here is followed from the next claim on.
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
}
