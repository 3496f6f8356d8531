using BenchmarkDotNet.Attributes;
using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Bench;

/// <summary>Random carts and wallets of a given size, the same every run (fixed seed).</summary>
public static class Wallets
{
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    internal static (Cart Cart, WalletCoupon[] Wallet) Make(int lines, int coupons, int shops, int seed = 42)
    {
        var random = new Random(seed);
        var cart = new Cart("CNY", Enumerable.Range(0, lines).Select(i => new CartLine(i, "sku-" + i, random.Next(1, 50), random.Next(1, shops + 1),
            [random.Next(1, 8)], random.Next(100, 50_000), random.Next(1, 4))).ToArray(), 800);
        var wallet = Enumerable.Range(0, coupons).Select(i =>
        {
            var scope = (ScopeKind)random.Next(0, 4);
            var benefit = (BenefitKind)random.Next(0, 3);
            var amount = random.Next(100, 5000);
            var terms = new PricingTerms(new TemplateId(i + 1), "CNY", scope, scope == ScopeKind.Shop ? random.Next(1, shops + 1) : null,
                scope == ScopeKind.Products ? Enumerable.Range(0, 5).Select(_ => (long)random.Next(1, 50)).ToHashSet() : [],
                scope == ScopeKind.Categories ? new HashSet<long> { random.Next(1, 8) } : [],
                benefit, benefit == BenefitKind.Percentage ? null : amount, benefit == BenefitKind.Threshold ? amount * 5L : null,
                benefit == BenefitKind.Percentage ? random.Next(100, 3000) : null,
                benefit == BenefitKind.Percentage && random.Next(2) == 0 ? random.Next(500, 5000) : null, random.Next(20) == 0, random.Next(0, 3));
            return new WalletCoupon(
                new UserCouponId(1000 + i),
                terms.Template,
                WalletStatus.Available,
                Now.AddDays(-1),
                Now.AddDays(7),
                null,
                0,
                terms);
        }).ToArray();
        return (cart, wallet);
    }
}

[MemoryDiagnoser]
public class QuoteBench
{
    private Cart _cart = null!;
    private WalletCoupon[] _wallet = null!;

    [Params("20x50", "200x100", "50x100x1shop")]
    public string Size { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_cart, _wallet) = Size switch
        {
            "20x50" => Wallets.Make(20, 50, shops: 5),
            "200x100" => Wallets.Make(200, 100, shops: 40),
            _ => Wallets.Make(50, 100, shops: 1),
        };
    }

    /// <summary>The whole quote: every coupon checked and explained, the exact best combination, the allocation.</summary>
    [Benchmark]
    public long Quote() => ((PriceOutcome.Priced)Pricer.Price(_cart, _wallet, null, Wallets.Now)).Result.Choice.Discount;
}

/// <summary>
/// Constructed hard cases for the exact search, timed with a stopwatch: many shops each with several coupons
/// under a capped category percentage (the frontier search), and the largest allowed wallet and cart.
/// </summary>
public static class WorstCase
{
    public static void Report()
    {
        foreach (var (name, cart, wallet) in Cases())
        {
            var stats = new SearchStats();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var outcome = (PriceOutcome.Priced)Pricer.Price(cart, wallet, null, Wallets.Now, stats);
            var first = watch.Elapsed;
            const int runs = 20;
            watch.Restart();
            for (var i = 0; i < runs; i++) Pricer.Price(cart, wallet, null, Wallets.Now);
            Console.WriteLine($"{name}: discount {outcome.Result.Choice.Discount}, coupons {outcome.Result.Choice.Coupons.Count}, " +
                $"evaluations {stats.Evaluations}, largest frontier {stats.LargestFrontier}, first {first.TotalMilliseconds:F2} ms, " +
                $"mean of {runs} {watch.Elapsed.TotalMilliseconds / runs:F2} ms");
        }
    }

    private static IEnumerable<(string, Cart, WalletCoupon[])> Cases()
    {
        var random = new Random(7);
        PricingTerms Shop(
            long shop,
            int i,
            bool percent) => new(new TemplateId(i), "CNY", ScopeKind.Shop, shop, new HashSet<long>(), new HashSet<long>(),
            percent ? BenefitKind.Percentage : BenefitKind.FixedAmount, percent ? null : random.Next(500, 5000), null,
            percent ? random.Next(300, 3000) : null, percent ? random.Next(800, 6000) : null, false, random.Next(0, 2));
        WalletCoupon Coupon(int i, PricingTerms t)
            => new(new UserCouponId(i), t.Template, WalletStatus.Available, Wallets.Now.AddDays(-1), Wallets.Now.AddDays(7), null, 0, t);

        // 50 shops x 2 coupons under 50 capped category percentages: the trade-off search in every platform choice.
        {
            var lines = Enumerable.Range(0, 200).Select(i => new CartLine(i, "sku", i, i % 50 + 1, [i % 3 + 1], random.Next(1000, 30_000), 1))
                .ToArray();
            var wallet = new List<WalletCoupon>();
            for (var s = 1; s <= 25; s++)
            {
                wallet.Add(Coupon(wallet.Count + 1, Shop(s, wallet.Count + 1, false)));
                wallet.Add(Coupon(wallet.Count + 1, Shop(s, wallet.Count + 1, true)));
            }
            for (var c = 0; c < 50; c++)
                wallet.Add(Coupon(wallet.Count + 1, new PricingTerms(
                    new TemplateId(wallet.Count + 1),
                    "CNY",
                    ScopeKind.Categories,
                    null,
                    new HashSet<long>(),
                    new HashSet<long> {
                        c % 3 + 1 },
                    BenefitKind.Percentage,
                    null,
                    null,
                    random.Next(500, 4000),
                    random.Next(2000, 40_000),
                    false,
                    0)));
            yield return ("200 lines, 50 shops: 50 shop coupons + 50 capped category percentages", new Cart("CNY", lines, 0), wallet.ToArray());
        }
        // 100 shop coupons in 50 shops, no platform coupon: the per-shop decision.
        {
            var lines = Enumerable.Range(0, 200).Select(i => new CartLine(i, "sku", i, i % 50 + 1, [1], random.Next(1000, 30_000), 2)).ToArray();
            var wallet = Enumerable.Range(1, 100).Select(i => Coupon(i, Shop((i - 1) % 50 + 1, i, i % 2 == 0))).ToArray();
            yield return ("200 lines, 100 shop coupons in 50 shops", new Cart("CNY", lines, 0), wallet);
        }
        // 100 platform coupons (fixed and percentage) over 100 shop coupons' worth of shops: the widest platform loop.
        {
            var (cart, wallet) = Wallets.Make(200, 100, shops: 100, seed: 3);
            yield return ("200 lines, 100 random coupons over 100 shops", cart, wallet);
        }
    }
}

public static class Profile
{
    public static void Run()
    {
        var (cart, wallet) = Wallets.Make(200, 100, shops: 100, seed: 3);
        var offers = wallet.Select(w => Eligibility.Check(w, cart, Wallets.Now).Offer).OfType<Offer>().ToList();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) BestCombination.Find(cart, offers);
        Console.WriteLine($"find {sw.Elapsed.TotalMilliseconds / 20:F2} ms, offers {offers.Count}");
        sw.Restart();
        for (var i = 0; i < 20; i++) foreach (var o in offers) Stacking.Apply(cart, [o]);
        Console.WriteLine($"singles {sw.Elapsed.TotalMilliseconds / 20:F2} ms");
        sw.Restart();
        var best = BestCombination.Find(cart, offers);
        for (var i = 0; i < 100; i++) Stacking.Apply(cart, best.Coupons.Select(c => c.Offer));
        Console.WriteLine($"apply best x100 {sw.Elapsed.TotalMilliseconds:F2} ms");
    }
}
