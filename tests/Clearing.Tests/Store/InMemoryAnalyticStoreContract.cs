using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Store;

/// <summary>The contract on the tests' in-memory store: the fake the reports and statements are tested with keeps the port's word.</summary>
public sealed class InMemoryAnalyticStoreContract : AnalyticStoreContract
{
    internal override Task<IAnalyticStore> CreateStoreAsync() => Task.FromResult<IAnalyticStore>(new InMemoryAnalyticStore());

    /// <summary>Half the batch's facts and entries kept, the watermark not moved.</summary>
    internal override Task CrashMidAppendAsync(IAnalyticStore store, FactBatch batch)
    {
        ((InMemoryAnalyticStore)store).Store(batch.Facts.Take(batch.Facts.Count / 2), batch.Entries.Take(batch.Entries.Count / 2));
        return Task.CompletedTask;
    }

    internal override Task DropStoreAsync(IAnalyticStore store) => Task.CompletedTask;
}
