namespace PromotionEngine.WebConsole.Viewing;

/// <summary>The words of the template form's further kinds and rules, and of the campaigns' and audiences' pages.</summary>
internal sealed partial class Texts
{
    // A property, not a field: Texts.cs builds its table from it while the type initialises, whatever the fields' order.
    private static Dictionary<string, (string En, string Zh)> Forms => new(StringComparer.Ordinal)
    {
        ["TIERED_THRESHOLD"] = ("Tiered spend and save", "阶梯满减"),
        ["FREE_SHIPPING"] = ("Free shipping", "包邮"),
        ["BUY_X_GET_Y"] = ("Buy X get Y", "买 X 送 Y"),
        ["GIFT"] = ("Gift with purchase", "满赠"),
        ["tiers"] = ("Tiers", "阶梯"),
        ["tiersHint"] = ("Tiered spend and save only: a tier a line, spend then amount off, ascending, e.g. \"100.00 10.00\".",
            "仅阶梯满减：每行一档，先门槛后优惠金额，逐档递增，如“100.00 10.00”。"),
        ["notTiers"] = ("Each line: two amounts in {0}, spend then amount off.", "每行两个 {0} 金额：先门槛，后优惠金额。"),
        ["buyQuantity"] = ("Buy (units)", "购买件数"),
        ["buyQuantityHint"] = ("Buy X get Y only: units bought per group, 1 to 99.", "仅买 X 送 Y：每组购买件数，1 到 99。"),
        ["getQuantity"] = ("Get (units)", "优惠件数"),
        ["getQuantityHint"] = ("Buy X get Y only: the cheapest units per group that take the percentage off, 1 to 99.",
            "仅买 X 送 Y：每组中最便宜的几件享受折扣，1 到 99。"),
        ["gift"] = ("Gift", "赠品"),
        ["giftHint"] = ("Gift with purchase only: the gift given at price 0 with an order that qualifies.", "仅满赠：符合条件的订单以 0 元获得的赠品。"),
        ["giftSku"] = ("Gift SKU", "赠品 SKU"),
        ["giftQuantity"] = ("Gifts per order", "每单赠品数量"),
        ["giftQuantityHint"] = ("1 to 100; empty: 1.", "1 到 100；留空：1。"),
        ["giftMinQuantity"] = ("Least units in the order", "订单最少件数"),
        ["giftMinQuantityHint"] = ("Of the lines in scope; empty: any.", "适用范围内的商品；留空：不限。"),
        ["giftStock"] = ("Gifts in stock", "赠品库存"),
        ["periodLimits"] = ("Claims per user per period", "每人每周期限领"),
        ["perUserDailyLimit"] = ("Per day", "每天"),
        ["perUserWeeklyLimit"] = ("Per week (Monday to Sunday)", "每周（周一至周日）"),
        ["perUserMonthlyLimit"] = ("Per calendar month", "每自然月"),
        ["periodLimitHint"] = ("1 to the per-user limit; empty: none.", "1 到每人限领数；留空：不限。"),
        ["limitsTimeZone"] = ("Time zone of the days, weeks and months", "日、周、月所按时区"),
        ["limitsTimeZoneHint"] = ("IANA name, e.g. Asia/Shanghai; empty: UTC. Fixed once created.", "IANA 名称，如 Asia/Shanghai；留空：UTC。创建后不可修改。"),
        ["audience"] = ("Audience", "目标人群"),
        ["audienceAnyone"] = ("Anyone", "所有人"),
        ["audienceHint"] = ("Only its members may claim the coupon and see it offered. Fixed once created.",
            "仅人群成员可领取并看到此券。创建后不可修改。"),
        ["periodLimitsShort"] = ("Per day / week / month", "每天 / 每周 / 每月"),
        ["none"] = ("none", "不限"),
        ["benefitTier"] = ("Spend {0}, save {1}", "满 {0} 减 {1}"),
        ["tierSeparator"] = ("; ", "；"),
        ["benefitFreeShipping"] = ("Free shipping", "包邮"),
        ["benefitShippingCap"] = (", at most {0} of the fee", "，运费最多减 {0}"),
        ["benefitBuyXGetY"] = ("Buy {0}, get {1} at {2}% off", "买 {0} 件，{1} 件享 {2}% 折扣"),
        ["benefitGift"] = ("{0} × {1} free", "赠 {1} × {0}"),
        ["benefitGiftMin"] = (", with at least {0} units", "，至少 {0} 件"),
    };
}
