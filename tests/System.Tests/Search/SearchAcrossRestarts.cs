using System.Net;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Search;

/// <summary>The index lives in memory or temporary files only: an instance that starts builds it again from the event log.</summary>
public sealed class SearchAcrossRestarts
{
    [Fact]
    public async Task Templates_made_before_a_restart_are_found_after_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-search-restart-" + Guid.NewGuid().ToString("N"));
        var merchant = EngineApp.NewId();
        string kept, terminated;
        await using (var first = new SqliteApp(directory))
        {
            await first.InitializeAsync();
            var admin = first.AsMerchant(merchant);
            kept = (await admin.CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), name: "新人优惠券"))).Id();
            terminated = (await admin.CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), name: "限时优惠"))).Id();
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/merchant/templates/{terminated}/terminate", null)).StatusCode);
        }

        await using var second = new SqliteApp(directory);
        await second.InitializeAsync();
        var searcher = second.AsOperator();
        var url = $"/api/v1/search/templates?merchantId={merchant}&q={Uri.EscapeDataString("优惠")}";
        var page = await Eventually(async () =>
        {
            var response = await searcher.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : default; // 503 until the index is built
        }, p => p.ValueKind == JsonValueKind.Object && p.GetProperty("items").GetArrayLength() == 2, Seconds(30),
            "both templates in the index built from the log", every: TimeSpan.FromMilliseconds(50));

        var items = page.GetProperty("items").EnumerateArray().ToDictionary(i => i.Id(), i => i.Str("status"));
        Assert.Equal(new Dictionary<string, string> { [kept] = "ACTIVE", [terminated] = "TERMINATED" }, items);
        await ((IAsyncLifetime)second).DisposeAsync();
    }
}
