using PromotionEngine.Clearing.Statements;

namespace PromotionEngine.Clearing.Tests.Statements;

/// <summary>The clearing calendar's rules (<see cref="IClearingCalendar"/>) in memory; JournalSeq is what the test says the journal holds.</summary>
internal sealed class InMemoryClearingCalendar : IClearingCalendar
{
    private readonly SortedList<DateOnly, DayClose> _closed = [];
    private readonly Lock _gate = new();

    /// <summary>The clearing journal's last seq, recorded by a close.</summary>
    public long JournalSeq { get; set; }

    public Task<DayClose?> LastClosedAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_closed.Count == 0 ? null : _closed.Values[^1]);
    }

    public Task<IReadOnlyList<DayClose>> ClosedFromAsync(DateOnly from, int limit, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<DayClose>>(_closed.Values.Where(c => c.Day >= from).Take(limit).ToList());
    }

    public Task<DayClosing> CloseAsync(DateOnly day, DateTimeOffset at, string closedBy, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_closed.Count > 0 && _closed.Values[^1] is var last)
            {
                if (day <= last.Day) return Task.FromResult<DayClosing>(new DayClosing.AlreadyClosed(_closed.Values.First(c => c.Day >= day)));
                if (day > last.Day.AddDays(1)) return Task.FromResult<DayClosing>(new DayClosing.EarlierDayOpen(last.Day.AddDays(1)));
            }
            var closed = new DayClose(day, at, closedBy, JournalSeq);
            _closed.Add(day, closed);
            return Task.FromResult<DayClosing>(new DayClosing.Closed(closed));
        }
    }

    /// <summary>The posting rule that goes with the calendar: a fact of a closed day posts on the day after the last closed one.</summary>
    public (DateOnly PostingDay, DateOnly? OriginalDay) PostingDayOf(DateOnly happened)
    {
        lock (_gate)
            return _closed.Count > 0 && happened <= _closed.Values[^1].Day ? (_closed.Values[^1].Day.AddDays(1), happened) : (happened, null);
    }
}
