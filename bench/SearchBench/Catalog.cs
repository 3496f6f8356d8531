using PromotionEngine.Search.Templates;

namespace PromotionEngine.SearchBench;

/// <summary>
/// A generated catalog that looks like a real one: two years of templates (ids time-ordered), names in Chinese (70 %)
/// and English, 5 000 merchants, 20 000 shops, 200 000 products, 2 000 categories; scopes PLATFORM 3 %, SHOP 40 %,
/// PRODUCTS 40 % (1–5 products), CATEGORIES 17 % (1–3); windows of 3–60 days, one in ten of a year; 3 % terminated.
/// Deterministic (seeded), so every run searches the same catalog.
/// </summary>
internal static class Catalog
{
    public const int Merchants = 5_000;
    public const int Shops = 20_000;
    public const int Products = 200_000;
    public const int Categories = 2_000;

    private static readonly string[] Occasions =
    [
        "新人", "会员日", "双11", "618", "春节", "周末", "限时", "店庆", "开学季", "年货节", "夏日", "清仓", "品牌日", "黑五", "中秋", "国庆",
        "情人节", "元宵", "七夕", "早鸟", "周年庆", "秒杀", "直播间", "粉丝专享",
    ];

    private static readonly string[] Goods =
    [
        "数码", "服饰", "美妆", "家电", "零食", "鞋包", "图书", "母婴", "生鲜", "酒水", "家居", "运动", "宠物", "珠宝", "手机", "电脑", "厨具",
        "茶叶", "水果", "玩具",
    ];

    private static readonly string[] EnglishOccasions =
    [
        "Spring", "Summer", "Autumn", "Winter", "Weekend", "Welcome", "VIP", "Flash", "Holiday", "Black Friday", "Anniversary", "Clearance",
    ];

    private static readonly string[] EnglishGoods =
    [
        "shoes", "phones", "laptops", "snacks", "books", "toys", "coffee", "tea", "fashion", "beauty", "home", "sports",
    ];

    private static readonly string[] Descriptions =
    [
        "全场通用", "每人限领一张", "新人优惠，先到先得", "部分商品不可用", "限指定商品使用", "会员专享优惠", "不与其他优惠同享", "领取后7天内有效",
        "Valid on selected items", "One per customer", "Members only", "",
    ];

    public static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static IEnumerable<IndexedTemplate> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var start = Now.AddDays(-730);
        var step = TimeSpan.FromDays(730).Ticks / count;
        for (var i = 0; i < count; i++)
        {
            var created = start.AddTicks(step * i);
            var id = (created.ToUnixTimeMilliseconds() << 22) | (uint)(i & 0x3FFFFF);
            var type = random.Next(10) switch { < 5 => "THRESHOLD", < 8 => "FIXED_AMOUNT", _ => "PERCENTAGE" };
            var discount = random.Next(1, 50) * 100L;
            var threshold = discount * random.Next(3, 11);
            var percentOff = random.Next(1, 6) * 500;
            var (scope, shop, products, categories) = random.Next(100) switch
            {
                < 3 => ("PLATFORM", (long?)null, Array.Empty<long>(), Array.Empty<long>()),
                < 43 => ("SHOP", random.Next(1, Shops + 1), [], []),
                < 83 => ("PRODUCTS", null, Distinct(random, random.Next(1, 6), Products), []),
                _ => ("CATEGORIES", null, [], Distinct(random, random.Next(1, 4), Categories)),
            };
            var validFrom = created.AddHours(random.Next(0, 72));
            var validUntil = validFrom.AddDays(random.Next(10) == 0 ? 365 : random.Next(3, 61));
            var terminated = random.Next(100) < 3 ? validFrom.AddDays(1) : (DateTimeOffset?)null;
            yield return new IndexedTemplate(id, random.Next(1, Merchants + 1), NameOf(random, type, discount, threshold, percentOff),
                Descriptions[random.Next(Descriptions.Length)], "CNY", scope, shop, products, categories, type,
                type == "PERCENTAGE" ? null : discount, type == "THRESHOLD" ? threshold : null, type == "PERCENTAGE" ? percentOff : null,
                type == "PERCENTAGE" ? discount * 10 : null, validFrom, validUntil, random.Next(1, 10_001) * 10L, random.Next(1, 4), terminated,
                Ended: validUntil <= Now && terminated is null, Version: random.Next(3), created, created);
        }
    }

    private static string NameOf(Random random, string type, long discount, long threshold, int percentOff)
    {
        var d = discount / 100;
        var t = threshold / 100;
        if (random.Next(10) < 3)
        {
            var occasion = EnglishOccasions[random.Next(EnglishOccasions.Length)];
            var goods = EnglishGoods[random.Next(EnglishGoods.Length)];
            return type switch
            {
                "THRESHOLD" => $"{occasion} sale: {d} off {t} on {goods}",
                "FIXED_AMOUNT" => $"{occasion} {goods} coupon, {d} off",
                _ => $"{occasion} {percentOff / 100}% off {goods}",
            };
        }
        var prefix = Occasions[random.Next(Occasions.Length)] + (random.Next(2) == 0 ? Goods[random.Next(Goods.Length)] : "");
        var body = type switch
        {
            "THRESHOLD" => random.Next(3) == 0 ? "满减券" : $"满{t}减{d}",
            "FIXED_AMOUNT" => random.Next(2) == 0 ? $"{d}元无门槛券" : $"立减{d}元",
            _ => $"{(10_000 - percentOff) / 1000.0:0.#}折",
        };
        var suffix = random.Next(5) switch { 0 => "优惠券", 1 => "券", 2 => "专享", _ => "" };
        return prefix + body + suffix;
    }

    private static long[] Distinct(Random random, int n, int range)
    {
        var set = new HashSet<long>();
        while (set.Count < n) set.Add(random.Next(1, range + 1));
        return [.. set];
    }
}
