using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Clearing.Statements;
using PromotionEngine.Clearing.Tests.Statements;

namespace PromotionEngine.Clearing.Tests.Days;

/// <summary>
/// <see cref="ClearingDays"/> on a real database: the calendar's contract, the journal's last seq kept with a close, and the
/// posting rule that goes with it (a fact of a day at or before the last closed day posts on the day after it).
/// </summary>
public abstract class ClosingDaysInTheDatabase : ClearingCalendarContract, IAsyncLifetime
{
    private ClearingDaysDatabase? _database;
    private ClearingDays? _days;

    private protected override IClearingCalendar Calendar => _days!;

    private protected abstract Task<ClearingDaysDatabase> CreateAsync();

    public async Task InitializeAsync()
    {
        _database = await CreateAsync();
        _days = new ClearingDays(_database.Database);
    }

    public async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }

    private async Task<long> JournalAsync(DateOnly happened)
    {
        var journal = new ClearingJournal(_database!.Database, _days!, TimeProvider.System);
        var at = new DateTimeOffset(happened.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var fact = new ClearingFact(0, Guid.NewGuid(), 0, Movements.Claimed, at, happened, null, 7, 11, "PLATFORM", "CNY", "MERCHANT", 0,
            Channels.Claim, null, 1, 2, null, null, 1, 0, 0, 0, 0, null, null);
        await using (var scope = await _database.Database.BeginWriteAsync(CancellationToken.None))
        {
            await journal.AppendAsync([fact], scope, CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
        }
        return (await journal.HeadAsync(0, CancellationToken.None)).Seq;
    }

    [Fact]
    public async Task A_close_keeps_the_journals_last_seq_and_later_facts_of_the_day_post_after_it()
    {
        await JournalAsync(Day17);
        var lastBefore = await JournalAsync(Day18);

        var closed = Assert.IsType<DayClosing.Closed>(await Calendar.CloseAsync(Day18, DateTimeOffset.UnixEpoch, "ops", CancellationToken.None));
        await JournalAsync(Day17); // late: before the first close, so frozen with it
        await JournalAsync(Day19);
        var facts = await new ClearingJournal(_database!.Database, _days!, TimeProvider.System).ReadAsync(0, 10, CancellationToken.None);

        Assert.Equal(lastBefore, closed.Day.JournalSeq);
        Assert.Equal(
            [(Day17, (DateOnly?)null), (Day18, null), (Day19, Day17), (Day19, null)],
            facts.Select(f => (f.PostingDay, f.OriginalDay)));
        Assert.All(facts.Where(f => f.PostingDay <= Day18), f => Assert.True(f.Seq <= closed.Day.JournalSeq));
    }
}

public sealed class ClosingDaysOnSqlite : ClosingDaysInTheDatabase
{
    private protected override Task<ClearingDaysDatabase> CreateAsync() => ClearingDaysDatabase.SqliteAsync();
}

public sealed class ClosingDaysOnMariaDb : ClosingDaysInTheDatabase
{
    private protected override Task<ClearingDaysDatabase> CreateAsync() => ClearingDaysDatabase.MariaDbAsync();
}
