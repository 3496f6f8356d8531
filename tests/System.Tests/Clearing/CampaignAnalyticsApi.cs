using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// Coupon traffic through the API reaches the merchant's campaign analytics: claims, locks, consumes, a release and a refund travel
/// as events into the clearing journal, are ingested into the analytic store, and the report counts each exactly once, in JSON and
/// in CSV alike.
/// </summary>
public sealed class CampaignAnalyticsApi(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string Zone = "Asia/Kathmandu";
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);

    /// <summary>Yesterday to tomorrow in Kathmandu, so the test's moments are inside whatever the hour.</summary>
    private string Range()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(app.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(Zone)).DateTime);
        return $"timeZone={Zone}&from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static long Figure(JsonElement row, string name) => row.GetProperty("figures").GetProperty(name).GetInt64();

    [Fact]
    public async Task Traffic_through_the_api_is_counted_exactly_once_and_json_and_csv_agree()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 100, perUserLimit: 3))).Id();
        var service = app.AsService();
        var claims = 0;
        var held = new List<(long User, string Coupon)>();
        for (var u = 0; u < 4; u++)
        {
            var user = EngineApp.NewId();
            for (var c = 0; c <= u % 3; c++, claims++) held.Add((user, await app.AsUser(user).ClaimedCouponIdAsync(template)));
        }
        var orders = held.Take(5).Select(h => (Order: Api.NewOrderId(), h.User, h.Coupon)).ToList();
        foreach (var o in orders) Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(o.Order, o.User, [o.Coupon])).StatusCode);
        foreach (var o in orders.Take(3)) Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(o.Order, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(orders[3].Order, "release")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(orders[0].Order, "refund")).StatusCode);

        var url = $"/api/v1/merchant/analytics/activity?{Range()}&granularity=HOUR";
        var report = await Eventually(async () => await OkAsync(await Merchant.GetAsync(url)),
            r => r.GetProperty("templates").GetArrayLength() == 1 && Figure(r.GetProperty("templates")[0], "refunded") == 1,
            TimeSpan.FromSeconds(30), "the refund to reach the report");

        var totals = report.GetProperty("templates")[0];
        Assert.Equal((template, "CNY"), (totals.Str("templateId"), totals.Str("currency")));
        Assert.Equal((claims, claims, 0L, 5L, 3L, 1L, 0L), (Figure(totals, "issued"), Figure(totals, "claimed"), Figure(totals, "distributed"),
            Figure(totals, "locked"), Figure(totals, "used"), Figure(totals, "refunded"), Figure(totals, "expired")));
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(claims, rows.Sum(r => Figure(r, "issued")));
        Assert.All(rows, r => Assert.Equal(new TimeSpan(5, 45, 0), DateTimeOffset.Parse(r.Str("start"), CultureInfo.InvariantCulture).Offset));

        var csv = await Merchant.GetAsync(url + "&format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF')
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        var header = lines[0].ToList();
        Assert.Equal(rows.Count, lines.Count - 1);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Str("templateId"), lines[i + 1][header.IndexOf("templateId")]);
            Assert.Equal(rows[i].Str("start"), lines[i + 1][header.IndexOf("start")]);
            foreach (var figure in rows[i].GetProperty("figures").EnumerateObject())
                Assert.Equal(figure.Value.ValueKind == JsonValueKind.Null ? "" : figure.Value.GetRawText(),
                    lines[i + 1][header.IndexOf(figure.Name)]);
        }

        var funnel = await OkAsync(await Merchant.GetAsync($"/api/v1/merchant/analytics/templates/{template}/funnel?{Range()}"));
        Assert.Equal(JsonValueKind.Null, funnel.GetProperty("exposed").ValueKind);
        Assert.Equal((claims, 5L, 3L), (funnel.GetProperty("issued").GetInt64(), funnel.GetProperty("locked").GetInt64(),
            funnel.GetProperty("used").GetInt64()));
        var top = await OkAsync(await Merchant.GetAsync($"/api/v1/merchant/analytics/top-templates?{Range()}"));
        var ranked = Assert.Single(top.GetProperty("templates").EnumerateArray());
        Assert.Equal((template, 3L), (ranked.Str("templateId"), ranked.GetProperty("used").GetInt64()));

        var xlsx = await Merchant.GetAsync(url + "&format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("PK"u8.ToArray(), (await xlsx.Content.ReadAsByteArrayAsync())[..2]);
    }

    [Fact]
    public async Task Another_merchant_sees_none_of_it()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        await app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template);
        await Eventually(async () => await OkAsync(await Merchant.GetAsync($"/api/v1/merchant/analytics/activity?{Range()}")),
            r => r.GetProperty("rows").GetArrayLength() == 1, TimeSpan.FromSeconds(30), "the claim to reach the report");

        var other = await OkAsync(await app.AsMerchant(EngineApp.NewId()).GetAsync($"/api/v1/merchant/analytics/activity?{Range()}"));
        var funnel = await OkAsync(
            await app.AsMerchant(EngineApp.NewId()).GetAsync($"/api/v1/merchant/analytics/templates/{template}/funnel?{Range()}"));

        Assert.Empty(other.GetProperty("rows").EnumerateArray());
        Assert.Equal(0, funnel.GetProperty("issued").GetInt64());
    }

    [Theory]
    [InlineData("activity?timeZone=Beijing&from=2026-06-01&to=2026-06-30", HttpStatusCode.BadRequest, "TIME_ZONE_UNKNOWN", "timeZone")]
    [InlineData("activity?timeZone=UTC&from=2026-06-01&to=2026-07-02&granularity=HOUR", HttpStatusCode.BadRequest, "REPORT_RANGE_TOO_LONG", "to")]
    [InlineData("top-templates?timeZone=UTC&from=2026-01-01&to=2027-01-02", HttpStatusCode.BadRequest, "REPORT_RANGE_TOO_LONG", "to")]
    [InlineData("activity?timeZone=UTC&to=2026-06-30", HttpStatusCode.BadRequest, "VALIDATION_FAILED", "from")]
    [InlineData("activity?timeZone=UTC&from=2026-06-01&to=2026-06-30&granularity=WEEK", HttpStatusCode.BadRequest, "VALIDATION_FAILED",
        "granularity")]
    [InlineData("templates/1/funnel?timeZone=UTC&from=2026-06-01&to=2026-06-30&format=pdf", HttpStatusCode.BadRequest, "VALIDATION_FAILED", "format")]
    public async Task A_bad_range_is_refused_naming_its_field(string path, HttpStatusCode status, string code, string field)
    {
        var problem = await (await Merchant.GetAsync("/api/v1/merchant/analytics/" + path)).AssertProblemAsync(status, code);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Only_merchants_read_analytics() =>
        await (await app.AsUser(EngineApp.NewId()).GetAsync($"/api/v1/merchant/analytics/activity?{Range()}"))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
}
