using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Kinds;

/// <summary>满100减10 / 满200减25 / 满300减40 over HTTP on every store: created, answered, audited, listed by type, and quoted.</summary>
public abstract class TieredTemplates(EngineApp app)
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);

    private static readonly object[] ThreeTiers =
    [
        new { thresholdAmount = 10_000, discountAmount = 1000 },
        new { thresholdAmount = 20_000, discountAmount = 2500 },
        new { thresholdAmount = 30_000, discountAmount = 4000 },
    ];

    private Dictionary<string, object?> ATieredTemplate(object tiers)
    {
        var now = app.Clock.GetUtcNow();
        return new Dictionary<string, object?>
        {
            ["name"] = "满100减10 / 满200减25 / 满300减40", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "TIERED_THRESHOLD",
            ["tiers"] = tiers, ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30), ["stock"] = 100, ["perUserLimit"] = 5,
        };
    }

    [Fact]
    public async Task A_tiered_template_is_stored_answered_audited_and_listed_by_its_type()
    {
        var created = await Merchant.CreateTemplateAsync(ATieredTemplate(ThreeTiers));
        var url = $"/api/v1/merchant/templates/{created.Id()}";

        var read = await (await Merchant.GetAsync(url)).JsonAsync();
        Assert.Equal("TIERED_THRESHOLD", read.Str("type"));
        Assert.Equal([(10_000L, 1000L), (20_000L, 2500L), (30_000L, 4000L)], Tiers(read.GetProperty("tiers")));
        Assert.Equal(JsonValueKind.Null, read.GetProperty("discountAmount").ValueKind);

        var history = (await (await Merchant.GetAsync(url + "/history")).JsonAsync()).GetProperty("items")[0];
        Assert.Equal("CREATE", history.Str("operation"));
        Assert.Equal(Tiers(read.GetProperty("tiers")), Tiers(history.GetProperty("after").GetProperty("tiers")));

        var listed = await (await Merchant.GetAsync("/api/v1/merchant/templates?type=TIERED_THRESHOLD")).JsonAsync();
        Assert.Equal([created.Id()], listed.GetProperty("items").EnumerateArray().Select(t => t.Id()));

        var immutable = await (await Merchant.PatchAsJsonAsync(url, new { tiers = ThreeTiers })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
        Assert.Equal(["tiers"], immutable.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Tiers_out_of_order_are_refused_on_the_tier_s_field_and_nothing_is_stored()
    {
        var problem = await (await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", ATieredTemplate(new object[]
        {
            new { thresholdAmount = 20_000, discountAmount = 2500 },
            new { thresholdAmount = 10_000, discountAmount = 3000 },
            new { thresholdAmount = 30_000, discountAmount = 30_000 },
        }))).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Equal(["tiers[1].thresholdAmount", "tiers[2].discountAmount"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_quote_applies_the_highest_tier_reached_and_says_how_far_the_next_is()
    {
        var userId = EngineApp.NewId();
        var coupon = await app.AsUser(userId).ClaimedCouponIdAsync((await Merchant.CreateTemplateAsync(ATieredTemplate(ThreeTiers))).Id());

        var quote = await (await app.AsService().PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId,
            currency = "CNY",
            lines = new object[] { new { sku = "coat", shopId = 501, unitPrice = 16_500, quantity = 1 } },
        })).JsonAsync();

        var applied = Assert.Single(quote.GetProperty("applied").EnumerateArray());
        Assert.Equal((coupon, "TIERED_THRESHOLD", 1000L), (applied.Str("couponId"), applied.Str("type"), applied.GetProperty("discount").GetInt64()));
        var next = Assert.Single(quote.GetProperty("usable").EnumerateArray()).GetProperty("nextTier");
        Assert.Equal((3500L, 20_000L, 2500L), (next.GetProperty("shortfall").GetInt64(), next.GetProperty("thresholdAmount").GetInt64(),
            next.GetProperty("discountAmount").GetInt64()));
        Assert.Equal("Add 35.00 CNY to reach the next tier (25.00 CNY off).", next.Str("message"));
    }

    private static List<(long, long)> Tiers(JsonElement tiers) => tiers.EnumerateArray()
        .Select(t => (t.GetProperty("thresholdAmount").GetInt64(), t.GetProperty("discountAmount").GetInt64())).ToList();
}

public sealed class TieredTemplatesOnSqlite(SqliteApp app) : TieredTemplates(app), IClassFixture<SqliteApp>;

public sealed class TieredTemplatesOnMariaDb(MariaDbApp app) : TieredTemplates(app), IClassFixture<MariaDbApp>;
