using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class RepeatingASearch : IDisposable
{
    private readonly AnIndex _index = new();

    [Fact]
    public void A_repeated_first_page_is_the_one_already_read_while_the_index_stands_still()
    {
        _index.With(ATemplate.Named("新人优惠券"), ATemplate.Named("会员优惠"));

        var page = _index.Find(Text("优惠"));

        Assert.Same(page, _index.Find(Text("优惠")));
        Assert.NotSame(page, _index.Find(Text("优惠"), count: 1)); // another page size is another page
    }

    [Fact]
    public void A_change_made_visible_shows_in_the_next_search_at_once()
    {
        var newcomer = ATemplate.Named("新人优惠券");
        _index.With(newcomer);
        var before = _index.Find(Text("优惠"));

        var member = ATemplate.Named("会员优惠");
        _index.With(member, newcomer.Changed(t => t with { Name = "Spring sale" }));

        Assert.Equal([newcomer.Id], before.Select(h => h.Template.Id));
        Assert.Equal([member.Id], _index.Ids(Text("优惠")));
        Assert.Equal("Spring sale", Assert.Single(_index.Find(Text("spring"))).Template.Name);
    }

    [Fact]
    public void Pages_bounded_by_a_claim_window_or_after_a_cursor_are_read_afresh()
    {
        _index.With(ATemplate.Named("新人优惠券"), ATemplate.Named("会员优惠"));
        var claimable = Text("优惠") with { ClaimableAt = ATemplate.Now };
        var second = Text("优惠") with { After = _index.Find(Text("优惠"), count: 1)[0].Position };

        Assert.NotSame(_index.Find(claimable), _index.Find(claimable));
        Assert.NotSame(_index.Find(second), _index.Find(second));
        Assert.Single(_index.Find(second));
    }

    [Fact]
    public void With_first_pages_not_kept_every_search_is_read_afresh()
    {
        using var index = new AnIndex(keepFirstPages: false);
        index.With(ATemplate.Named("新人优惠券"));

        Assert.NotSame(index.Find(Text("优惠")), index.Find(Text("优惠")));
    }

    public void Dispose() => _index.Dispose();
}
