using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The OpenAPI document's examples: merchant 7's 2026-06-18 (会员日满100减20, a split funding of 30% by the platform), with a refund of
/// an order of the closed 2026-06-17 posted as an adjustment.
/// </summary>
internal static class StatementExamples
{
    private static readonly DateOnly Day = new(2026, 6, 18);
    private static readonly DateOnly Before = new(2026, 6, 17);
    private static readonly DateTimeOffset ClosedAt = new(2026, 6, 19, 0, 20, 4, TimeSpan.Zero);
    private const string Operator = "operator:liwei";

    // The 18th: 120 claimed, 30 locked, 25 paid (2 000 off each), 4 holds released, 3 expired. Posted the 18th for the closed 17th:
    // a refund that restored one coupon and returned its 2 000 (1 400 merchant, 600 platform).
    private static readonly ClearingStatementResponse Statement = new("7", Day, "CLOSED", ClosedAt,
    [
        new CurrencyStatementResponse("CNY", MerchantBears: 33_600, PlatformSubsidises: 14_400,
            new StatementCouponCounts(Issued: 120, Redeemed: 24, Expired: 3, LockedAtClose: 2, OutstandingAtClose: 552),
            [
                new("COUPONS", "coupons.issued", -900, -120, 0, -1_020),
                new("COUPONS", "coupons.outstanding", 460, 91, 1, 552),
                new("COUPONS", "coupons.locked", 1, 1, 0, 2),
                new("COUPONS", "coupons.redeemed", 400, 25, -1, 424),
                new("COUPONS", "coupons.expired", 39, 3, 0, 42),
                new("MONEY", "discount.given", -800_000, -50_000, 0, -850_000),
                new("MONEY", "discount.returned", 6_000, 0, 2_000, 8_000),
                new("MONEY", "expense.merchant", 555_800, 35_000, -1_400, 589_400),
                new("MONEY", "subsidy.platform", 238_200, 15_000, -600, 252_600),
            ],
            [
                new(Before, "COUPONS", "coupons.outstanding", 1),
                new(Before, "COUPONS", "coupons.redeemed", -1),
                new(Before, "MONEY", "discount.returned", 2_000),
                new(Before, "MONEY", "expense.merchant", -1_400),
                new(Before, "MONEY", "subsidy.platform", -600),
            ]),
    ]);

    public static readonly ApiExample OperatorStatement = new("closed-day", "Merchant 7's closed 2026-06-18, with an adjustment for the 17th", 200,
        Statement, Parameters: new Dictionary<string, string> { ["merchantId"] = "7", ["day"] = "2026-06-18" });

    public static readonly ApiExample OwnStatement = new("own-closed-day", "The calling merchant's 2026-06-18", 200,
        Statement, Parameters: new Dictionary<string, string> { ["day"] = "2026-06-18" });

    public static readonly ApiExample Days = new("june", "Up to the 18th closed, the 19th open", 200,
        new ClearingDaysResponse(Day,
        [
            new(Before, "CLOSED", ClosedAt.AddDays(-1), Operator), new(Day, "CLOSED", ClosedAt, Operator), new(Day.AddDays(1), "OPEN", null, null),
        ]),
        Parameters: new Dictionary<string, string> { ["from"] = "2026-06-17", ["to"] = "2026-06-19" });

    public static readonly ApiExample ClosedDay = new("closed", "2026-06-18 closed", 200, new ClearingDayResponse(Day, "CLOSED", ClosedAt, Operator),
        Parameters: new Dictionary<string, string> { ["day"] = "2026-06-18" });

    public static readonly ApiExample Balanced = new("balanced", "June: every sum zero", 200,
        new TrialBalanceResponse(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30), true, 1_240, 3_918_402, []),
        Parameters: new Dictionary<string, string> { ["from"] = "2026-06-01", ["to"] = "2026-06-30" });
}
