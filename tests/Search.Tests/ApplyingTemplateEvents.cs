using PromotionEngine.Search.Querying;
using PromotionEngine.Search.Templates;
using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class ApplyingTemplateEvents : IDisposable
{
    private readonly AnIndex _index = new();

    [Theory]
    [InlineData(1, false, 0, false, true)]  // a later change
    [InlineData(0, false, 0, false, false)] // the same event again
    [InlineData(0, false, 1, false, false)] // an older change arriving late
    [InlineData(1, true, 1, false, true)]   // the end of the last change's template
    [InlineData(1, false, 1, true, false)]  // that change again after its end
    public void A_revision_is_applied_only_when_it_is_later(int version, bool ended, int appliedVersion, bool appliedEnded, bool applies) =>
        Assert.Equal(applies, new TemplateRevision(version, ended).Supersedes(new TemplateRevision(appliedVersion, appliedEnded)));

    [Fact]
    public void An_older_event_arriving_after_a_newer_one_changes_nothing()
    {
        var v0 = ATemplate.Named("旧名");
        var v1 = v0.Changed(t => t with { Name = "新名" });
        _index.With(v1, v0);

        Assert.Equal("新名", Assert.Single(_index.Find(All)).Template.Name);
    }

    [Fact]
    public void A_duplicate_event_is_counted_stale_and_leaves_one_document()
    {
        var t = ATemplate.Named("新人优惠券");
        _index.With(t, t, t);

        Assert.Single(_index.Find(Text("优惠")));
        Assert.Equal(1, _index.Index.Status().Documents);
    }

    [Fact]
    public void A_templates_time_zone_and_period_limits_are_kept_and_answered()
    {
        var t = ATemplate.Named("每日限领") with { TimeZone = "Asia/Shanghai", PerUserDailyLimit = 1, PerUserMonthlyLimit = 4 };
        _index.With(t);

        var kept = Assert.Single(_index.Find(All)).Template;
        var hit = kept.ToHit(ATemplate.Now, null);

        Assert.Equal(("Asia/Shanghai", (int?)1, (int?)null, (int?)4), (kept.TimeZone, kept.PerUserDailyLimit, kept.PerUserWeeklyLimit,
            kept.PerUserMonthlyLimit));
        Assert.Equal(("Asia/Shanghai", (int?)1, (int?)null, (int?)4), (hit.TimeZone, hit.PerUserDailyLimit, hit.PerUserWeeklyLimit,
            hit.PerUserMonthlyLimit));
    }

    [Fact]
    public void The_end_announced_at_the_last_changes_version_closes_the_template()
    {
        var t = ATemplate.Named("店铺券").Changed(x => x with { Stock = 200 });
        _index.With(t, t with { Ended = true });

        var hit = Assert.Single(_index.Find(All)).Template;
        Assert.True(hit.Ended);
        Assert.Empty(_index.Ids(All with { ClaimableAt = ATemplate.Now }));
    }

    [Fact]
    public void The_status_tells_when_the_last_event_occurred_and_how_long_it_took_to_apply()
    {
        var t = ATemplate.Named("x");
        _index.Clock.Advance(TimeSpan.FromSeconds(3));
        _index.Index.Apply(t, ATemplate.Now);

        var status = _index.Index.Status();
        Assert.Equal(ATemplate.Now, status.LastEventOccurredAt);
        Assert.Equal(3, status.LagSeconds);
    }

    public void Dispose() => _index.Dispose();
}
