using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Search;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Search.Http;

/// <summary>The OpenAPI document's examples of search: 会员日满100减20 found by 满减, and shown on a tea product's page.</summary>
internal static class SearchExamples
{
    private static readonly DateTimeOffset From = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2026, 7, 18, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = new(2026, 6, 10, 3, 15, 42, TimeSpan.Zero);

    public static readonly ApiExample Found = new("by-text", "Templates matching 满减, most relevant first", 200,
        new Page<TemplateSearchHit>(
            [new("384536415389614080", "7", "会员日满100减20", "会员日专享：订单满100元立减20元，每人限领2张。", "CNY", "PLATFORM", null, [], [], "THRESHOLD",
                2000, 10000, null, null, From, Until, 100_000, 2, "ACTIVE", true, 1, Created, Created, 3.72f)],
            null),
        Parameters: new Dictionary<string, string> { ["q"] = "满减", ["claimableNow"] = "true" });

    public static readonly ApiExample Exposed = new("product-page", "What a shopper can claim on product 1's page (a USER token: own limit)", 200,
        new Page<ExposedTemplate>(
            [new("384536415389614080", "7", "会员日满100减20", "会员日专享：订单满100元立减20元，每人限领2张。", "CNY", "PLATFORM", null, "THRESHOLD", 2000,
                10000, null, null, From, Until, 98_480, 2, 1)],
            null),
        Parameters: new Dictionary<string, string> { ["productId"] = "1" });

    private static readonly SearchIndexStatus Ready = new("READY", false, 1_284, Created.AddDays(8), Created.AddDays(8).AddMilliseconds(80),
        0.08, Created, Created.AddSeconds(2), 52_377);

    public static readonly ApiExample Status = new("ready", "This instance's index, built and current", 200, Ready);

    public static readonly ApiExample Rebuilding = new("rebuilding", "A rebuild started; the previous index answers meanwhile", 202,
        Ready with { Rebuilding = true });
}
