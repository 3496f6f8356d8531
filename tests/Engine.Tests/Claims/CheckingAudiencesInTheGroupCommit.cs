using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// The Redis gate's group commit (SqlClaimLedger) re-checks the batch's users in the members' table in its final check (Redis's
/// copy of an audience may lag a removal): a batch with anyone the audience does not take in is refused whole and leaves
/// nothing behind, whether the audience lists its members, lists whom it leaves out, or is another merchant's.
/// </summary>
public class CheckingAudiencesInTheGroupCommit
{
    private static readonly AudienceId Listed = new(7);
    private static readonly AudienceId Excluding = new(8);
    private static readonly AudienceId Others = new(9);

    [Fact]
    public async Task A_batch_of_members_is_recorded_and_one_with_a_stranger_is_refused_whole()
    {
        await using var store = await AudiencesAsync();
        var template = store.Template(1, stock: 100, perUserLimit: 1) with { Audience = Listed };

        Assert.True(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "a"), store.Claim(template, 2, "b")], CancellationToken.None));
        Assert.False(await store.Ledger.TryRecordAllAsync([store.Claim(template, 4, "c"), store.Claim(template, 3, "d")], CancellationToken.None));

        Assert.Equal(2, await store.CouponsAsync(template));
        Assert.Equal(0, await store.RequestsOfAsync(4)); // the member's claim undone with the stranger's
    }

    [Fact]
    public async Task An_excluding_audience_refuses_a_batch_with_a_user_it_leaves_out()
    {
        await using var store = await AudiencesAsync();
        var template = store.Template(2, stock: 100, perUserLimit: 1) with { Audience = Excluding };

        Assert.True(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "a"), store.Claim(template, 2, "b")], CancellationToken.None));
        Assert.False(await store.Ledger.TryRecordAllAsync([store.Claim(template, 3, "c"), store.Claim(template, 5, "d")], CancellationToken.None));

        Assert.Equal(2, await store.CouponsAsync(template));
    }

    [Fact]
    public async Task Another_merchants_audience_takes_in_nobody()
    {
        await using var store = await AudiencesAsync();
        var template = store.Template(3, stock: 100, perUserLimit: 1) with { Audience = Others };

        Assert.False(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "a")], CancellationToken.None));

        Assert.Equal(0, await store.CouponsAsync(template));
    }

    /// <summary>The templates' merchant (3) lists users 1, 2 and 4 in one audience and leaves out 5 in another; merchant 4's holds 1.</summary>
    private static async Task<ClaimsOnSqlite> AudiencesAsync()
    {
        var store = await ClaimsOnSqlite.MigratedAsync();
        var audiences = new SqlAudiences(store.Database);
        var now = DateTimeOffset.UnixEpoch;
        await using var scope = await store.Database.BeginWriteAsync(CancellationToken.None);
        foreach (var (id, merchant, excludes, members) in new[]
        {
            (Listed, 3L, false, new long[] { 1, 2, 4 }), (Excluding, 3L, true, [5]), (Others, 4L, false, [1]),
        })
        {
            await audiences.AddAsync(Audience.Create(id, new MerchantId(merchant), "bench", now, excludes), scope, CancellationToken.None);
            await audiences.ChangeMembersAsync(id, members, [], now, scope, CancellationToken.None);
        }
        await scope.CommitAsync(CancellationToken.None);
        return store;
    }
}
