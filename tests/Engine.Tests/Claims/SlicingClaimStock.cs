using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>A hot template's stock over slices on different Redis Cluster slots (docs/redis-cluster.md): how many, whose, how much.</summary>
public class SlicingClaimStock
{
    private static CouponTemplateSnapshot Template(long stock, long id = 42, AudienceId? audience = null) =>
        new(new TemplateId(id), new MerchantId(3), "CNY", Terminated: false, ValidFrom: DateTimeOffset.UnixEpoch,
            ValidUntil: DateTimeOffset.UnixEpoch.AddDays(30), ValidityAfterClaim: null, Stock: stock, PerUserLimit: 1, Version: 0,
            Audience: audience);

    private static RedisSliceOptions Options(long perSlice = 10_000, int max = 8, Dictionary<string, int>? templates = null) =>
        new() { StockPerSlice = perSlice, Max = max, Templates = templates ?? [] };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10_000, 1)]
    [InlineData(10_001, 2)]
    [InlineData(30_000, 3)]
    [InlineData(1_000_000, 8)] // at most Max
    public void Large_stock_is_split_one_slice_per_stock_per_slice_up_to_the_most(long stock, int slices) =>
        Assert.Equal(slices, ClaimSlices.For(Template(stock), Options()).Count);

    [Fact]
    public void On_a_single_redis_only_a_template_named_in_the_settings_is_split()
    {
        Assert.Equal(1, ClaimSlices.For(Template(1_000_000), Options(), cluster: false).Count);
        Assert.Equal(4, ClaimSlices.For(Template(100, id: 7), Options(templates: new() { ["7"] = 4 }), cluster: false).Count);
    }

    [Fact]
    public void A_template_named_in_the_settings_gets_its_own_count_and_one_with_an_audience_is_never_split()
    {
        Assert.Equal(4, ClaimSlices.For(Template(100, id: 7), Options(templates: new() { ["7"] = 4 })).Count);
        Assert.Equal(1, ClaimSlices.For(Template(1_000_000, id: 7), Options(templates: new() { ["7"] = 1 })).Count);
        Assert.Equal(1, ClaimSlices.For(Template(1_000_000, audience: new AudienceId(5)), Options()).Count);
    }

    [Theory]
    [InlineData(100, 3)]
    [InlineData(101, 3)]
    [InlineData(2, 3)]
    [InlineData(0, 2)]
    public void The_shares_add_up_to_the_stock_and_differ_by_one_at_most(long stock, int count)
    {
        var slices = new ClaimSlices(count);
        var shares = Enumerable.Range(0, count).Select(s => slices.ShareOf(s, stock)).ToList();

        Assert.Equal(stock, shares.Sum());
        Assert.True(shares.Max() - shares.Min() <= 1, string.Join(", ", shares));
    }

    [Fact]
    public void Every_user_has_one_home_slice_the_same_in_every_process_and_time_ordered_ids_spread_over_all()
    {
        var slices = new ClaimSlices(3);
        var ids = Enumerable.Range(0, 300).Select(i => (1_800_000_000_000L << 22) + ((long)i << 12)).ToList(); // ids of consecutive ms

        var homes = ids.Select(slices.HomeOf).ToList();

        Assert.All(homes, h => Assert.InRange(h, 0, 2));
        Assert.Equal(homes, ids.Select(new ClaimSlices(3).HomeOf));
        Assert.All(Enumerable.Range(0, 3), s => Assert.InRange(homes.Count(h => h == s), 60, 140));
        Assert.Equal(0, new ClaimSlices(1).HomeOf(ids[7]));
        Assert.Equal(2, new ClaimSlices(3).HomeOf(1234567)); // fixed: a change would move every user's counters
    }

    [Fact]
    public void The_lenders_to_a_slice_are_all_the_others_starting_after_it() =>
        Assert.Equal([2, 3, 0], new ClaimSlices(4).LendersTo(1));

    [Fact]
    public void Slices_loaded_together_share_what_the_database_issued_within_their_shares()
    {
        var slices = new ClaimSlices(3); // shares of 100: 34, 33, 33

        var loaded = slices.Distribute(issued: 50, stock: 100, present: new Dictionary<int, long>(), missing: [0, 1, 2]);

        Assert.Equal(50, loaded.Values.Sum());
        Assert.All(loaded, s => Assert.True(s.Value <= slices.ShareOf(s.Key, 100)));
    }

    [Fact]
    public void A_slice_loaded_alone_gets_what_the_database_issued_beyond_the_live_slices_never_less_than_nothing()
    {
        var slices = new ClaimSlices(3);

        Assert.Equal(20, slices.Distribute(issued: 60, stock: 100, present: new Dictionary<int, long> { [0] = 25, [2] = 15 }, missing: [1])[1]);
        Assert.Equal(0, slices.Distribute(issued: 30, stock: 100, present: new Dictionary<int, long> { [0] = 25, [2] = 15 }, missing: [1])[1]);
        // Issued beyond the shares (the stock was lowered): the last missing slice takes the rest and every slice is dry.
        var over = slices.Distribute(issued: 120, stock: 100, present: new Dictionary<int, long>(), missing: [0, 1, 2]);
        Assert.Equal(120, over.Values.Sum());
        Assert.All(over, s => Assert.True(s.Value >= slices.ShareOf(s.Key, 100)));
    }

    [Theory]
    [InlineData("promo:{t:42}:issued", 42L, 0)]
    [InlineData("promo:{t:42:s:2}:issued", 42L, 2)]
    public void A_slices_marker_is_recognised_with_its_template_and_slice(string key, long template, int slice)
    {
        Assert.True(ClaimKeys.IsMarker("promo", key, out var found));
        Assert.Equal((new TemplateId(template), slice), found);
        Assert.Equal(key, (string)new ClaimKeys("promo", new TemplateId(template), slice).Issued!);
    }

    [Theory]
    [InlineData("promo:{t:42}:req:7:x}:issued")]
    [InlineData("promo:{t:42:s:x}:issued")]
    [InlineData("promo:{t:42:s:2}:req:7:k}:issued")]
    public void Keys_that_only_look_like_markers_are_not(string key) => Assert.False(ClaimKeys.IsMarker("promo", key, out _));
}
