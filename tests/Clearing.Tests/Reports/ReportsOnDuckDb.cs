using System.Text.Json;
using NodaTime;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Reports;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.DuckDb;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>
/// The reports read the embedded DuckDB store as they read the port's in-memory model: the same facts give the same answers,
/// across changes of offset, in a +5:45 zone, per template and currency.
/// </summary>
public sealed class ReportsOnDuckDb : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _folder = Directory.CreateTempSubdirectory("reports-duckdb-").FullName;
    private readonly DuckDbAnalyticStore _duck;
    private readonly InMemoryAnalyticStore _memory = new();

    public ReportsOnDuckDb() => _duck = new DuckDbAnalyticStore(Path.Combine(_folder, "clearing.duckdb"));

    public void Dispose()
    {
        _duck.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task StoreAsync(IEnumerable<ClearingFact> facts)
    {
        var numbered = facts.Select((f, i) => f with { Seq = i + 1 }).ToList();
        _memory.Add([.. numbered]);
        await _duck.EnsureSchemaAsync(default);
        await _duck.AppendAsync(new FactBatch(1, numbered.Count, numbered, []), default);
    }

    /// <summary>Two days of New York's fall-back weekend and of Kathmandu, every minute 17 past and 47 past some hour, many movements.</summary>
    private static IEnumerable<ClearingFact> Traffic()
    {
        var random = new Random(16);
        var start = new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero);
        string[] coupons = [Movements.Locked, Movements.Consumed, Movements.Expired, Movements.Restored, Movements.Released];
        for (var minute = 0; minute < 4 * 24 * 60; minute += 7 + random.Next(40))
        {
            var at = start.AddMinutes(minute).AddMilliseconds(random.Next(1000));
            var template = 1 + random.Next(3);
            var currency = template == 3 ? "USD" : "CNY";
            yield return random.Next(6) switch
            {
                0 => AFact.Claimed(at, template, currency),
                1 => AFact.Distributed(at, template) with { Currency = currency },
                2 => AFact.Of(coupons[random.Next(coupons.Length)], at, template, currency),
                3 => AFact.Spent(at, 100 + random.Next(3000), random.Next(100), 5000 + random.Next(50_000), template, currency),
                4 => AFact.Returned(at, 1 + random.Next(500), random.Next(2), template) with { Currency = currency },
                _ => AFact.ClawedBack(at, 1 + random.Next(300), 0, template) with { Currency = currency },
            };
        }
    }

    [Theory]
    [InlineData("America/New_York", "DAY")]
    [InlineData("America/New_York", "HOUR")]
    [InlineData("Asia/Kathmandu", "HOUR")]
    [InlineData("Australia/Lord_Howe", "DAY")]
    public async Task Activity_is_the_same_on_duckdb(string zone, string granularity)
    {
        await StoreAsync(Traffic());
        var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb[zone], new(2026, 10, 31), new(2026, 11, 2));
        var bucket = ReportRanges.ParseGranularity(granularity)!.Value;

        var expected = await new CampaignReports(_memory).ActivityAsync(7, calendar, bucket, null, default);
        var actual = await new CampaignReports(_duck).ActivityAsync(7, calendar, bucket, null, default);

        Assert.NotEmpty(expected.Rows);
        Assert.Equal(JsonSerializer.Serialize(expected, Json), JsonSerializer.Serialize(actual, Json));
    }

    [Fact]
    public async Task The_funnel_and_the_top_templates_are_the_same_on_duckdb()
    {
        await StoreAsync(Traffic());
        var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb["America/New_York"], new(2026, 10, 31), new(2026, 11, 1));

        foreach (var template in (long[])[1, 2, 3])
            Assert.Equal(JsonSerializer.Serialize(await new CampaignReports(_memory).FunnelAsync(7, template, calendar, default), Json),
                JsonSerializer.Serialize(await new CampaignReports(_duck).FunnelAsync(7, template, calendar, default), Json));
        Assert.Equal(JsonSerializer.Serialize(await new CampaignReports(_memory).TopAsync(7, calendar, 10, default), Json),
            JsonSerializer.Serialize(await new CampaignReports(_duck).TopAsync(7, calendar, 10, default), Json));
    }
}
