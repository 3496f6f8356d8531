using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// The OpenAPI document's examples of the campaign analytics: merchant 7's 618 campaign (满100减20, CNY, the platform funds 30 %)
/// in Beijing time, and a Kathmandu shop's hours that start at a quarter past the UTC hour.
/// </summary>
internal static class ReportExamples
{
    private const string Template = "384536415389614080";
    private const string Second = "384536415389614081";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly DateOnly June17 = new(2026, 6, 17);
    private static readonly DateOnly June18 = new(2026, 6, 18);

    private static readonly CampaignFigures Eve = Figures(issued: 12_400, claimed: 4_400, distributed: 8_000, locked: 2_130, used: 1_904,
        expired: 0, refunded: 12, spent: 3_808_000, returned: 18_000, clawedBack: 6_000, platformShare: 0.3m, orders: 1_904, orderValue: 31_216_000);

    private static readonly CampaignFigures Day = Figures(issued: 3_100, claimed: 3_100, distributed: 0, locked: 5_020, used: 4_870,
        expired: 2_210, refunded: 41, spent: 9_740_000, returned: 62_000, clawedBack: 14_000, platformShare: 0.3m, orders: 4_870,
        orderValue: 80_112_000);

    public static readonly ApiExample Daily = new("daily", "Two days of the 618 campaign in Beijing time", 200,
        new CampaignActivityResponse("Asia/Shanghai", June17, June18, "DAY",
            [
                new(Template, June17, new(2026, 6, 17, 0, 0, 0, Beijing), new(2026, 6, 18, 0, 0, 0, Beijing), "CNY", Eve),
                new(Template, June18, new(2026, 6, 18, 0, 0, 0, Beijing), new(2026, 6, 19, 0, 0, 0, Beijing), "CNY", Day),
            ],
            [new(Template, "CNY", Sum(Eve, Day))],
            [new("CNY", Sum(Eve, Day))]),
        Parameters: new Dictionary<string, string>
        {
            ["timeZone"] = "Asia/Shanghai", ["from"] = "2026-06-17", ["to"] = "2026-06-18", ["granularity"] = "DAY",
        });

    private static readonly TimeSpan Kathmandu = new(5, 45, 0);

    private static readonly CampaignFigures Lunch = Figures(issued: 40, claimed: 40, distributed: 0, locked: 22, used: 19, expired: 0,
        refunded: 0, spent: 19_000, returned: 0, clawedBack: 0, platformShare: 0m, orders: 19, orderValue: 161_500);

    public static readonly ApiExample Hourly = new("hourly", "A Kathmandu shop's lunch hour: local hours start at a quarter past the UTC hour", 200,
        new CampaignActivityResponse("Asia/Kathmandu", June18, June18, "HOUR",
            [new(Second, June18, new(2026, 6, 18, 12, 0, 0, Kathmandu), new(2026, 6, 18, 13, 0, 0, Kathmandu), "NPR", Lunch)],
            [new(Second, "NPR", Lunch)],
            [new("NPR", Lunch)]),
        Parameters: new Dictionary<string, string>
        {
            ["timeZone"] = "Asia/Kathmandu", ["from"] = "2026-06-18", ["to"] = "2026-06-18", ["granularity"] = "HOUR", ["templateId"] = Second,
        });

    public static readonly ApiExample Funnel = new("funnel", "The 618 template from claim to use over June", 200,
        new TemplateFunnelResponse(Template, "Asia/Shanghai", new(2026, 6, 1), new(2026, 6, 30), "CNY", null, 15_500, 7_500, 8_000, 7_150,
            6_774, Tally.Rate(7_150, 15_500), Tally.Rate(6_774, 7_150), Tally.Rate(6_774, 15_500)),
        Parameters: new Dictionary<string, string>
        {
            ["id"] = Template, ["timeZone"] = "Asia/Shanghai", ["from"] = "2026-06-01", ["to"] = "2026-06-30",
        });

    public static readonly ApiExample Top = new("top", "June's templates by discount given", 200,
        new TopTemplatesResponse("Asia/Shanghai", new(2026, 6, 1), new(2026, 6, 30),
            [
                new(1, Template, "CNY", 13_448_000, 6_774, 111_328_000, Tally.Average(111_328_000, 6_774)),
                new(2, Second, "CNY", 2_316_500, 4_633, 37_064_000, Tally.Average(37_064_000, 4_633)),
            ]),
        Parameters: new Dictionary<string, string>
        {
            ["timeZone"] = "Asia/Shanghai", ["from"] = "2026-06-01", ["to"] = "2026-06-30", ["limit"] = "2",
        });

    private static CampaignFigures Figures(long issued, long claimed, long distributed, long locked, long used, long expired, long refunded,
        long spent, long returned, long clawedBack, decimal platformShare, long orders, long orderValue)
    {
        var given = spent - returned - clawedBack;
        var platform = (long)Math.Round(given * platformShare, 0, MidpointRounding.AwayFromZero);
        return new(issued, claimed, distributed, locked, used, expired, refunded, Tally.Rate(used, issued), spent, returned, clawedBack, given,
            given - platform, platform, orders, orderValue, Tally.Average(orderValue, orders));
    }

    private static CampaignFigures Sum(CampaignFigures a, CampaignFigures b) => new(
        a.Issued + b.Issued, a.Claimed + b.Claimed, a.Distributed + b.Distributed, a.Locked + b.Locked, a.Used + b.Used,
        a.Expired + b.Expired, a.Refunded + b.Refunded, Tally.Rate(a.Used + b.Used, a.Issued + b.Issued), a.DiscountSpent + b.DiscountSpent,
        a.DiscountReturned + b.DiscountReturned, a.DiscountClawedBack + b.DiscountClawedBack, a.DiscountGiven + b.DiscountGiven,
        a.MerchantFunded + b.MerchantFunded, a.PlatformFunded + b.PlatformFunded, a.Orders + b.Orders, a.OrderValue + b.OrderValue,
        Tally.Average(a.OrderValue + b.OrderValue, a.Orders + b.Orders));
}
