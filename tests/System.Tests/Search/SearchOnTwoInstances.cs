using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Search;

/// <summary>Every instance keeps its own index: one that starts later builds it from the event log, then both follow NATS.</summary>
public sealed class SearchOnTwoInstances
{
    private static MariaDbApp Instance(string database, string tag) => (MariaDbApp)new MariaDbApp(database, workerId: null)
        .WithSetting("Messaging:Transport", "Nats")
        .WithSetting("Messaging:Nats:Url", NatsServer.Url)
        .WithSetting("Messaging:Nats:SubjectPrefix", $"t{tag}.")
        .WithSetting("Messaging:Nats:StreamPrefix", $"T{tag}")
        .WithSetting("Search:IndexDirectory", "memory")
        .WithSetting("Search:RefreshInterval", "00:00:00.020");

    /// <summary>The names the instance's index finds for the merchant, once <paramref name="until"/> holds of them (events arrive asynchronously).</summary>
    private static Task<IReadOnlyList<string>> NamesAsync(EngineApp app, long merchant, Func<IReadOnlyList<string>, bool> until)
    {
        var client = app.AsOperator();
        return Eventually(async () =>
        {
            var response = await client.GetAsync($"/api/v1/search/templates?merchantId={merchant}");
            return response.StatusCode == HttpStatusCode.OK // 503 while the index is built
                ? (IReadOnlyList<string>)(await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.Str("name")).ToList()
                : [];
        }, until, Seconds(30), $"the index to show merchant {merchant}'s templates", every: TimeSpan.FromMilliseconds(50));
    }

    private static bool Renamed(IReadOnlyList<string> names) => names.Count == 2 && !names.Contains("会员日");

    [Fact]
    public async Task A_later_instance_builds_from_the_log_and_both_follow_every_change()
    {
        await NatsServer.RequireAsync(NatsServer.Url);
        var database = "promo_test_search2_" + Guid.NewGuid().ToString("N")[..8];
        var tag = Guid.NewGuid().ToString("N")[..8];
        var first = Instance(database, tag);
        var second = Instance(database, tag);
        second.SharingClockWith(first); // the rename recorded by the second is due on the first's relay (it holds the lease)
        try
        {
            await first.InitializeAsync();
            var merchant = EngineApp.NewId();
            var before = (await first.AsMerchant(merchant).CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), name: "会员日"))).Id();
            Assert.Equal(["会员日"], await NamesAsync(first, merchant, names => names.Count == 1));

            await second.InitializeAsync(); // starts after the template exists: its index comes from the event log
            var renamed = await second.AsMerchant(merchant).PatchAsJsonAsync($"/api/v1/merchant/templates/{before}", new { name = "会员周" });
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            await first.AsMerchant(merchant).CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), name: "新人礼"));

            Assert.Equal(["新人礼", "会员周"], await NamesAsync(first, merchant, Renamed));
            Assert.Equal(["新人礼", "会员周"], await NamesAsync(second, merchant, Renamed));
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }
}
