using PromotionEngine.Clearing.Statements;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Ingestion;

/// <summary>
/// Records the last closed day's closing balances in the analytic store once the store holds every fact of it (its watermark
/// reached the close's journal seq): from then on a statement's opening reads them instead of every entry before its day. Run by
/// the ingester between batches; a crash before or during it only leaves it to the next round.
/// </summary>
internal sealed class RecordClosedBalances(IClearingCalendar calendar, IAnalyticStore store)
{
    /// <summary>The day whose balances it recorded now, or null when nothing was due.</summary>
    public async Task<DateOnly?> RunAsync(CancellationToken ct)
    {
        if (await calendar.LastClosedAsync(ct) is not { } close) return null;
        if (await store.BalancesClosedThroughAsync(ct) >= close.Day) return null;
        if (await store.WatermarkAsync(ct) < close.JournalSeq) return null;
        await store.CloseBalancesAsync(close.Day, ct);
        return close.Day;
    }
}
