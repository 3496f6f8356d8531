using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class FindingTemplatesByText : IDisposable
{
    private readonly AnIndex _index = new();

    [Fact]
    public void A_query_for_manjian_finds_a_name_with_both_characters_apart()
    {
        var fullReduction = ATemplate.Named("满100减20券");
        var other = ATemplate.Named("新人优惠券");
        _index.With(fullReduction, other);

        Assert.Equal([fullReduction.Id], _index.Ids(Text("满减")));
    }

    [Fact]
    public void A_query_for_youhui_finds_the_new_user_coupon()
    {
        var newcomer = ATemplate.Named("新人优惠券");
        _index.With(newcomer, ATemplate.Named("满100减20券"), ATemplate.Named("Spring sale"));

        Assert.Equal([newcomer.Id], _index.Ids(Text("优惠")));
    }

    [Fact]
    public void Characters_side_by_side_as_in_the_query_rank_above_the_same_characters_apart()
    {
        var apart = ATemplate.Named("满100减20券");
        var together = ATemplate.Named("店铺满减券");
        _index.With(together, apart);

        Assert.Equal([together.Id, apart.Id], _index.Ids(Text("满减")));
    }

    [Fact]
    public void Every_word_of_the_query_must_occur()
    {
        var both = ATemplate.Named("Spring sale 10 off 100");
        _index.With(both, ATemplate.Named("Spring special"), ATemplate.Named("Autumn sale"));

        Assert.Equal([both.Id], _index.Ids(Text("spring SALE")));
    }

    [Fact]
    public void Full_width_letters_and_digits_match_their_plain_forms()
    {
        var fullWidth = ATemplate.Named("满１００减２０ ＶＩＰ");
        _index.With(fullWidth);

        Assert.Equal([fullWidth.Id], _index.Ids(Text("vip 100")));
    }

    [Fact]
    public void A_word_in_the_name_ranks_above_the_same_word_in_the_description()
    {
        var inDescription = ATemplate.Named("周末特惠", "会员专享优惠");
        var inName = ATemplate.Named("会员优惠", "周末特惠");
        _index.With(inDescription, inName);

        Assert.Equal([inName.Id, inDescription.Id], _index.Ids(Text("优惠")));
    }

    [Fact]
    public void Equal_relevance_lists_the_newest_first()
    {
        var older = ATemplate.Named("新人优惠券");
        var newer = ATemplate.Named("新人优惠券");
        _index.With(older, newer);

        Assert.Equal([newer.Id, older.Id], _index.Ids(Text("新人")));
    }

    [Fact]
    public void Without_text_every_template_is_listed_newest_first()
    {
        var a = ATemplate.Named("a");
        var b = ATemplate.Named("b");
        var c = ATemplate.Named("c");
        _index.With(b, c, a);

        Assert.Equal([c.Id, b.Id, a.Id], _index.Ids(All));
    }

    [Fact]
    public void A_query_of_punctuation_only_has_no_searchable_word()
    {
        _index.With(ATemplate.Named("满100减20券"));

        Assert.Null(Index.LuceneQueries.For(Text("!!! ..."), _index.Index.Analyzer));
    }

    [Fact]
    public void A_renamed_template_is_found_by_its_new_name_only()
    {
        var t = ATemplate.Named("春节红包");
        _index.With(t, t.Changed(x => x with { Name = "元宵红包" }));

        Assert.Empty(_index.Ids(Text("春节")));
        Assert.Equal([t.Id], _index.Ids(Text("元宵")));
    }

    public void Dispose() => _index.Dispose();
}
