using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.DuckDb;

namespace PromotionEngine.Clearing.Tests.Store;

/// <summary>The contract on an embedded DuckDB file of its own per test.</summary>
public sealed class DuckDbAnalyticStoreContract : AnalyticStoreContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("clearing-duckdb-").FullName;

    internal override Task<IAnalyticStore> CreateStoreAsync() =>
        Task.FromResult<IAnalyticStore>(new DuckDbAnalyticStore(Path.Combine(_folder, "clearing.duckdb")));

    internal override Task CrashMidAppendAsync(IAnalyticStore store, FactBatch batch) =>
        ((DuckDbAnalyticStore)store).AbandonAppendAsync(batch, CancellationToken.None);

    internal override Task DropStoreAsync(IAnalyticStore store)
    {
        ((DuckDbAnalyticStore)store).Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}
