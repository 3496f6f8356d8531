using System.Net.Sockets;
using System.Text;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;
using static PromotionEngine.Clearing.Tests.Store.ClickHouse.ClickHouseFacts;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>
/// The ClickHouse append is idempotent by journal seq: whatever an earlier attempt left behind (nothing, the facts, the facts
/// and entries, or a prefix of the facts, which is what 18.16 keeps of an insert whose connection closed at a row boundary),
/// appending the batch again leaves one copy of every fact and entry. Counts are read without FINAL and without a merge.
/// </summary>
[Trait("Category", "ClickHouse")]
public sealed class AppendingToClickHouse : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClickHouseTestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task A_batch_is_stored_and_moves_the_watermark_to_its_last_seq()
    {
        Assert.Equal(0, await _db.Store.WatermarkAsync(None));

        await _db.Store.AppendAsync(Claims(1, 10), None);

        Assert.Equal(new FactTotals(Facts: 10, Entries: 20, Coupons: 10, Discount: 0, Watermark: 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task The_same_batch_appended_again_is_stored_once()
    {
        var batch = Claims(1, 10);
        await _db.Store.AppendAsync(batch, None);

        await _db.Store.AppendAsync(batch, None);
        await _db.Store.AppendAsync(batch, None);

        Assert.Equal(10, await _db.RowsAsync(_db.Schema.Facts));
        Assert.Equal(20, await _db.RowsAsync(_db.Schema.Entries));
        Assert.Equal(2, await _db.RowsAsync(_db.Schema.Activity)); // the batch's one sum (a quarter hour) and its marker
        Assert.Equal(10, await _db.Store.WatermarkAsync(None));
    }

    [Fact]
    public async Task A_crash_after_the_facts_were_inserted_leaves_one_copy_after_the_retry()
    {
        var batch = Claims(1, 10);
        await _db.Store.AppendFactsAsync(batch, None); // then the process died
        Assert.Equal(0, await _db.Store.WatermarkAsync(None));

        await _db.Store.AppendAsync(batch, None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task A_crash_before_the_batch_was_recorded_leaves_one_copy_after_the_retry()
    {
        var batch = Claims(1, 10);
        await _db.Store.AppendFactsAsync(batch, None);
        await _db.Store.AppendEntriesAsync(batch, None); // then the process died

        await _db.Store.AppendAsync(batch, None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task An_insert_cut_off_after_some_rows_is_completed_by_the_retry()
    {
        var batch = Claims(1, 10);
        // What 18.16 keeps when the client dies at a row boundary mid-body: the rows before the cut (measured, docs/clearing.md).
        await _db.Store.InsertFactsAsync(batch.Facts.Take(4), None);
        await _db.Store.InsertEntriesAsync(batch.Entries.Take(3), None);

        await _db.Store.AppendAsync(batch, None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
        var seqs = await _db.Client.ListAsync<SeqCount>(
            $"SELECT seq, count() AS copies FROM {_db.Schema.Entries} GROUP BY seq HAVING copies <> 2", None);
        Assert.Empty(seqs);
    }

    [Fact]
    public async Task Each_restarted_ingester_checks_again_what_is_stored()
    {
        var batch = Claims(1, 10);
        // Attempt 1 checked (nothing stored) and died before its insert: it left nothing. Attempt 2, in a new process, inserted
        // the facts and died before the entries. Attempt 3, in a third process, finishes the batch.
        await new ClickHouseAnalyticStore(_db.Client, _db.Schema).AppendFactsAsync(batch, None);

        await new ClickHouseAnalyticStore(_db.Client, _db.Schema).AppendAsync(batch, None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task An_insert_whose_connection_closed_mid_body_keeps_a_prefix_that_the_retry_completes()
    {
        var batch = Claims(1, 10);
        var rows = new MemoryStream();
        await using (var writer = new TsvWriter(rows)) WriteFacts(writer, batch.Facts.Take(4));
        var prefix = rows.ToArray();
        await using (var writer = new TsvWriter(rows)) WriteFacts(writer, batch.Facts.Skip(4));

        // The client dies after four complete rows of a longer body: the connection closes and 18.16 keeps those four.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(ClickHouseTestDatabase.ServerUrl.Host, ClickHouseTestDatabase.ServerUrl.Port);
            var query = Uri.EscapeDataString($"INSERT INTO {_db.Schema.Facts} ({ClickHouseSchema.FactColumns}) FORMAT TabSeparated");
            var head = $"POST /?query={query} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {rows.Length}\r\n\r\n";
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(prefix);
        }
        await Poll.UntilAsync(async () => await _db.RowsAsync(_db.Schema.Facts) == 4, TimeSpan.FromSeconds(30));

        await _db.Store.AppendAsync(batch, None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task A_retry_cut_into_other_batches_still_stores_each_fact_once()
    {
        var whole = Claims(1, 10);
        await _db.Store.AppendFactsAsync(whole, None); // the first attempt read 1..10; the restarted ingester reads 1..6, 7..10

        await _db.Store.AppendAsync(Claims(1, 6), None);
        await _db.Store.AppendAsync(Claims(7, 10), None);

        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task A_crash_before_the_aggregates_marker_leaves_each_fact_aggregated_once_whatever_the_retrys_bounds()
    {
        var whole = Claims(1, 10);
        await _db.Store.AppendFactsAsync(whole, None);
        await _db.Store.AppendEntriesAsync(whole, None);
        await _db.Store.InsertAggregateAsync(whole, 0, marked: false, None); // the process died before the marker went out

        await _db.Store.AppendAsync(Claims(1, 6), None); // the restarted ingester reads fewer rows, then more
        await _db.Store.AppendAsync(Claims(7, 14), None);
        await _db.Store.AppendAsync(Claims(7, 14), None); // and delivers one again

        var day = new DateTimeOffset(Noon.Date, TimeSpan.Zero);
        var rows = await _db.Store.ActivityAsync(new ActivityQuery(1, null, [new OffsetSegment(day, day.AddDays(1), 0)], 86_400, false), None);
        Assert.Equal((14L, 14L), (rows.Single().Facts, rows.Single().Coupons));
        // seqs 1..6 and 7..14, a sum each (every claim is in one quarter hour) and a marker each; the unmarked 1..10 is gone
        Assert.Equal(4, await _db.RowsAsync(_db.Schema.Activity));
    }

    [Fact]
    public async Task A_store_written_before_the_hour_rollup_answers_from_quarters_until_its_next_append_fills_the_rollup()
    {
        // Three merchants' claims over two days, appended as an earlier build did: no hour rollup (emptied here).
        var facts = Enumerable.Range(1, 90).Select(i => Claimed(i, merchant: 1 + (i % 3), at: Noon.AddMinutes(i * 31))).ToList();
        await _db.Store.AppendAsync(new FactBatch(1, 60, facts[..60], []), None);
        await _db.Client.ExecuteAsync($"TRUNCATE TABLE {_db.Schema.ActivityHours}", None);
        var upgraded = new ClickHouseAnalyticStore(_db.Client, _db.Schema) { FillRowsPerQuery = 7 }; // a few queries of the fill
        var query = new ActivityQuery(2, null, [new OffsetSegment(Noon.AddHours(-12), Noon.AddDays(3), -7 * 3_600)], 3_600, true);
        var scan = new InMemoryAnalyticStore();
        await scan.AppendAsync(new FactBatch(1, 60, facts[..60], []), None);

        Assert.Equal(await scan.ActivityAsync(query, None), await upgraded.ActivityAsync(query, None)); // from the quarters

        await upgraded.AppendAsync(new FactBatch(61, 90, facts[60..], []), None);
        await scan.AppendAsync(new FactBatch(61, 90, facts[60..], []), None);

        var hours = await _db.Client.ListAsync<SeqCount>(
            $"SELECT seq_to AS seq, toInt64(sum(facts)) AS copies FROM {_db.Schema.ActivityHours} GROUP BY seq_to ORDER BY seq_to", None);
        Assert.Equal([new SeqCount(60, 120), new SeqCount(90, 60)], hours); // filled through 60 (sums and their marker), then appended
        Assert.Equal(await scan.ActivityAsync(query, None), await upgraded.ActivityAsync(query, None));
        Assert.Equal(await scan.ActivityAsync(query, None), await new ClickHouseAnalyticStore(_db.Client, _db.Schema).ActivityAsync(query, None));
    }

    [Fact]
    public async Task Whole_hour_zones_read_the_hour_rollup_and_others_the_quarters()
    {
        await _db.Store.AppendAsync(Claims(1, 10), None);
        // A finished hour row the facts do not hold (seq 1): a report that reads the rollup counts it, one that does not, not.
        await _db.Client.ExecuteAsync($"""
            INSERT INTO {_db.Schema.ActivityHours} ({ClickHouseSchema.ActivityHourColumns})
            VALUES (1, 1, 1, 10, {Noon.ToUnixTimeSeconds()}, 'CNY', '{Movements.Claimed}', '{Channels.Claim}', NULL, 100, 100, 0, 0, 0, 0)
            """, None);
        var day = new DateTimeOffset(Noon.Date, TimeSpan.Zero);
        async Task<long> FactsAsync(TimeSpan start, int offset, int bucket) =>
            (await _db.Store.ActivityAsync(new ActivityQuery(1, null, [new OffsetSegment(day + start, day.AddDays(2), offset)], bucket, false), None))
            .Sum(r => r.Facts);

        Assert.Equal(110, await FactsAsync(TimeSpan.Zero, 8 * 3_600, 86_400)); // Beijing's day: the hours
        Assert.Equal(110, await FactsAsync(TimeSpan.FromHours(1), -7 * 3_600, 3_600)); // Los Angeles by the hour: the hours
        Assert.Equal(10, await FactsAsync(TimeSpan.Zero, 20_700, 86_400)); // Kathmandu, +5:45: the quarters
        Assert.Equal(10, await FactsAsync(TimeSpan.Zero, 3_600, 900)); // quarter-hour buckets: the quarters
        Assert.Equal(10, await FactsAsync(TimeSpan.FromMinutes(15), 3_600, 86_400)); // a range from a quarter past: the quarters
        Assert.Equal(10, await FactsAsync(TimeSpan.FromMinutes(7), 3_600, 86_400)); // off the quarter: the facts
    }

    [Fact]
    public async Task A_batch_of_journal_seqs_without_facts_still_moves_the_watermark()
    {
        await _db.Store.AppendAsync(Claims(1, 3), None);

        await _db.Store.AppendAsync(new FactBatch(4, 9, [], []), None);

        Assert.Equal(new FactTotals(3, 6, 3, 0, 9), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task A_fact_outside_the_batch_seq_range_is_refused_before_anything_is_written()
    {
        var batch = Claims(1, 10) with { LastSeq = 9 };

        await Assert.ThrowsAsync<ArgumentException>(() => _db.Store.AppendAsync(batch, None));

        Assert.Equal(new FactTotals(0, 0, 0, 0, 0), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task Reset_removes_every_fact_entry_and_the_watermark_and_ingestion_starts_again_from_zero()
    {
        await _db.Store.AppendAsync(Claims(1, 10), None);

        await _db.Store.ResetAsync(None);
        Assert.Equal(new FactTotals(0, 0, 0, 0, 0), await _db.Store.TotalsAsync(None));

        await _db.Store.AppendAsync(Claims(1, 10), None);
        Assert.Equal(new FactTotals(10, 20, 10, 0, 10), await _db.Store.TotalsAsync(None));
    }

    [Fact]
    public async Task The_schema_can_be_ensured_again_at_every_start_without_touching_the_data()
    {
        await _db.Store.AppendAsync(Claims(1, 5), None);

        await _db.Store.EnsureSchemaAsync(None);

        Assert.Equal(new FactTotals(5, 10, 5, 0, 5), await _db.Store.TotalsAsync(None));
    }

    private static void WriteFacts(TsvWriter writer, IEnumerable<ClearingFact> facts)
    {
        foreach (var f in facts)
        {
            writer.Int(f.Seq).Uuid(f.EventId).Int(f.Line).Str(f.Movement).Int(ClickHouseAnalyticStore.Ticks(f.OccurredAt))
                .Day(f.PostingDay).Day(f.OriginalDay).Int(f.MerchantId).Int(f.TemplateId).Str(f.Scope).Str(f.Currency).Str(f.Funding)
                .Int(f.PlatformShareBps).Str(f.Channel).Str(f.ChannelId).Int(f.UserCouponId).Int(f.UserId).Str(f.OrderId).Str(f.Status)
                .Int(f.Coupons).Int(f.Discount).Int(f.PlatformPart).Int(f.MerchantPart).Int(f.OrderAmount).Int(f.OrderLine).Str(f.Sku)
                .EndRow();
        }
    }

    private sealed record SeqCount(long Seq, long Copies);
}
