using Dapper;
using PromotionEngine.Contracts.MerchantAdmin;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// The Redis gate's group commit (SqlClaimLedger) counts a batch's claims under their campaign's per-user limit, across the
/// campaign's templates, in one upsert per campaign, and refuses whole a batch that would take a user past it.
/// </summary>
public class CountingCampaignClaimsInTheGroupCommit
{
    private static readonly TemplateBudgets Campaign = new(50, null, null, CampaignPerUserLimit: 2, []);

    [Fact]
    public async Task A_batch_counts_each_users_claims_over_the_campaigns_templates_and_one_past_the_limit_is_refused_whole()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var first = store.Template(1, stock: 100, perUserLimit: 1) with { Budgets = Campaign };
        var second = store.Template(2, stock: 100, perUserLimit: 1) with { Budgets = Campaign };
        var third = store.Template(3, stock: 100, perUserLimit: 1) with { Budgets = Campaign };

        Assert.True(await store.Ledger.TryRecordAllAsync(
            [store.Claim(first, 1, "a"), store.Claim(second, 1, "b"), store.Claim(first, 2, "c")], CancellationToken.None));
        Assert.Equal([(1L, 2), (2L, 1)], await CountsAsync(store));

        Assert.False(await store.Ledger.TryRecordAllAsync([store.Claim(second, 2, "d"), store.Claim(third, 1, "e")], CancellationToken.None));
        Assert.Equal([(1L, 2), (2L, 1)], await CountsAsync(store));
        Assert.Equal(1, await store.RequestsOfAsync(2)); // the claim within the limit undone with the one past it

        Assert.True(await store.Ledger.TryRecordAllAsync([store.Claim(second, 2, "d")], CancellationToken.None));
        Assert.Equal([(1L, 2), (2L, 2)], await CountsAsync(store));
    }

    private static async Task<List<(long User, int Claimed)>> CountsAsync(ClaimsOnSqlite store)
    {
        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<(long, int)>(
            "SELECT user_id, claimed FROM en_user_campaign_claims WHERE campaign_id = 50 ORDER BY user_id")).ToList();
    }
}
