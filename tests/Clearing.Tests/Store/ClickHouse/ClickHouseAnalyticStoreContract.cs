using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>The contract on a ClickHouse database of its own per test (scripts/services.sh start clickhouse).</summary>
[Trait("Category", "ClickHouse")]
public sealed class ClickHouseAnalyticStoreContract : AnalyticStoreContract
{
    private readonly ClickHouseTestDatabase _db = new();

    internal override async Task<IAnalyticStore> CreateStoreAsync()
    {
        await _db.InitializeAsync(); // a new database: nothing in it
        return _db.Store;
    }

    /// <summary>
    /// A process killed mid-append leaves, at worst, the batch's facts stored, its entries cut off after some rows (ClickHouse
    /// 18.16 keeps the rows before a closed connection's cut), its hour rollup with its marker (its watermark ahead of the
    /// store's) and its aggregate without the completion marker.
    /// </summary>
    internal override async Task CrashMidAppendAsync(IAnalyticStore store, FactBatch batch)
    {
        var clickHouse = (ClickHouseAnalyticStore)store;
        var watermark = await clickHouse.WatermarkAsync(CancellationToken.None);
        await clickHouse.AppendFactsAsync(batch, CancellationToken.None);
        await clickHouse.InsertEntriesAsync(batch.Entries.Take(batch.Entries.Count / 2), CancellationToken.None);
        await clickHouse.InsertHoursAsync(batch, watermark, marked: true, CancellationToken.None); // the rollup is never behind
        await clickHouse.InsertAggregateAsync(batch, watermark, marked: false, CancellationToken.None);
    }

    internal override Task DropStoreAsync(IAnalyticStore store) => _db.DisposeAsync();
}
