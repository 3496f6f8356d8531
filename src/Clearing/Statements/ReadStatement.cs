using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Statements;

internal abstract record StatementOutcome
{
    private StatementOutcome() { }

    public sealed record Ready(DailyStatement Statement) : StatementOutcome;

    /// <summary>The day is closed but the store has not yet ingested every fact posted in it (up to JournalSeq).</summary>
    public sealed record NotYetIngested(DateOnly Day, long JournalSeq, long Watermark) : StatementOutcome;
}

/// <summary>
/// A merchant's statement of one day, read from the analytic store. A closed day's statement is answered only once the store holds
/// everything posted up to the close, so what is answered for it is its final form; an open day's is as far as ingestion has got.
/// </summary>
internal sealed class ReadStatement(IAnalyticStore store, IClearingCalendar calendar)
{
    public async Task<StatementOutcome> HandleAsync(long merchantId, DateOnly day, CancellationToken ct)
    {
        var frozenBy = await calendar.FrozenByAsync(day, ct);
        if (frozenBy is not null && await store.WatermarkAsync(ct) is var watermark && watermark < frozenBy.JournalSeq)
            return new StatementOutcome.NotYetIngested(day, frozenBy.JournalSeq, watermark);
        var ledger = await store.DayLedgerAsync(merchantId, day, ct);
        return new StatementOutcome.Ready(StatementBuilder.Build(merchantId, day, frozenBy is null ? DayState.Open : DayState.Closed,
            frozenBy?.ClosedAt, ledger.Before, ledger.On));
    }
}
