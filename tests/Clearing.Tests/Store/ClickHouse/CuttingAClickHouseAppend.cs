using System.Net.Sockets;
using System.Text;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;
using static PromotionEngine.Clearing.Tests.Store.ClickHouse.ClickHouseFacts;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>
/// An append is four requests (what is stored, the facts, the entries, the aggregate closed by its completion marker). A
/// process that dies between any two of them, or in the middle of the aggregate's body, leaves the totals and the reports
/// exact once a restarted ingester appends again, with the same or other bounds; an aggregate cut short is never read.
/// </summary>
[Trait("Category", "ClickHouse")]
public sealed class CuttingAClickHouseAppend : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ClickHouseTestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)] // the hour rollup with its marker, not the aggregate: the rollup's watermark ahead of the store's
    public async Task An_append_cut_between_its_requests_is_completed_exactly_by_the_retry(int requestsSent)
    {
        await _db.Store.AppendAsync(Claims(1, 5), None);
        using (var dying = new HttpClient(new DiesAfter(requestsSent)))
        {
            var cut = new ClickHouseAnalyticStore(new ClickHouseClient(dying, Options()), _db.Schema);
            await Assert.ThrowsAsync<ClickHouseException>(() => cut.AppendAsync(Claims(6, 45), None));
        }
        Assert.Equal(5, await _db.Store.WatermarkAsync(None));
        // Each rollup answers as of its own watermark: the hour rollup's finished 6..45 before the process died after it.
        Assert.Equal(requestsSent == 4 ? 45 : 5, await ReportedFactsAsync());
        Assert.Equal(5, await ReportedFactsAsync(new ClickHouseAnalyticStore(_db.Client, _db.Schema) { ReadsHours = false }));

        var restarted = new ClickHouseAnalyticStore(_db.Client, _db.Schema); // with other bounds, one batch delivered twice
        await restarted.AppendAsync(Claims(6, 20), None);
        await restarted.AppendAsync(Claims(21, 45), None);
        await restarted.AppendAsync(Claims(21, 45), None);

        await AssertExactAsync(45);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)] // every sum, not the marker
    public async Task An_aggregate_cut_off_after_some_rows_is_never_read_and_the_retry_replaces_it(int rowsSent)
    {
        await _db.Store.AppendAsync(Claims(1, 5), None);
        var batch = Claims(6, 44); // minutes 6 to 44 past noon, three quarter hours: three sums and the marker
        await _db.Store.AppendFactsAsync(batch, None);
        await _db.Store.AppendEntriesAsync(batch, None);
        await CutAggregateInsertAsync(batch, watermark: 5, rowsSent);
        await Poll.UntilAsync(async () => await AggregateRowsAsync("seq_to > 5") == rowsSent, TimeSpan.FromSeconds(30));

        Assert.Equal(5, await _db.Store.WatermarkAsync(None));
        Assert.Equal(5, await ReportedFactsAsync());

        await _db.Store.AppendAsync(Claims(6, 30), None);
        await _db.Store.AppendAsync(Claims(31, 45), None);

        await AssertExactAsync(45);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)] // every sum (the batch is one hour), not the marker
    public async Task An_hour_rollup_cut_off_after_some_rows_is_never_read_and_the_retry_replaces_it(int rowsSent)
    {
        await _db.Store.AppendAsync(Claims(1, 5), None);
        var batch = Claims(6, 44);
        await _db.Store.AppendFactsAsync(batch, None);
        await _db.Store.AppendEntriesAsync(batch, None);
        await CutInsertAsync(_db.Schema.ActivityHours, ClickHouseSchema.ActivityHourColumns, ClickHouseAnalyticStore.WriteHours, batch, 5, rowsSent);
        await Poll.UntilAsync(async () => await RowsAsync(_db.Schema.ActivityHours, "seq_to > 5") == rowsSent, TimeSpan.FromSeconds(30));

        Assert.Equal(5, await ReportedFactsAsync());

        await _db.Store.AppendAsync(Claims(6, 30), None);
        await _db.Store.AppendAsync(Claims(31, 45), None);

        await AssertExactAsync(45);
    }

    /// <summary>
    /// Totals, the facts' and entries' copies, the report from either rollup and each rollup's rows all say each seq once.
    /// </summary>
    private async Task AssertExactAsync(long last)
    {
        Assert.Equal(new FactTotals(last, 2 * last, last, 0, last), await _db.Store.TotalsAsync(None));
        Assert.Equal(last, await ReportedFactsAsync());
        Assert.Equal(last, await ReportedFactsAsync(new ClickHouseAnalyticStore(_db.Client, _db.Schema) { ReadsHours = false }));
        foreach (var table in new[] { _db.Schema.Activity, _db.Schema.ActivityHours })
        {
            Assert.Equal(0, await RowsAsync(table, $"seq_to > {last}"));
            var facts = await _db.Client.ListAsync<Total>(
                $"SELECT toInt64(sum(facts)) AS n FROM {table} WHERE merchant_id <> {ClickHouseSchema.MarkerMerchant}", None);
            Assert.Equal(last, facts[0].N);
        }
    }

    private Task CutAggregateInsertAsync(FactBatch batch, long watermark, int rows) =>
        CutInsertAsync(_db.Schema.Activity, ClickHouseSchema.ActivityColumns, ClickHouseAnalyticStore.WriteAggregate, batch, watermark, rows);

    /// <summary>
    /// What 18.16 keeps when the client dies at a row boundary of a rollup's body: the rows before the cut, over a raw socket
    /// whose Content-Length promises the whole body.
    /// </summary>
    private static async Task CutInsertAsync(
        string table, string columns, Action<TsvWriter, FactBatch, long, int, bool> write, FactBatch batch, long watermark, int rows)
    {
        var whole = new MemoryStream();
        await using (var writer = new TsvWriter(whole)) write(writer, batch, watermark, int.MaxValue, true);
        var prefix = new MemoryStream();
        await using (var writer = new TsvWriter(prefix)) write(writer, batch, watermark, rows, false);
        Assert.True(prefix.Length < whole.Length);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(ClickHouseTestDatabase.ServerUrl.Host, ClickHouseTestDatabase.ServerUrl.Port);
        var query = Uri.EscapeDataString($"INSERT INTO {table} ({columns}) FORMAT TabSeparated");
        var head = $"POST /?query={query} HTTP/1.1\r\nHost: localhost\r\nContent-Length: {whole.Length}\r\n\r\n";
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(prefix.ToArray());
    }

    /// <summary>The day's facts as a report counts them: from the hour rollup (the day is whole hours), or the store given.</summary>
    private async Task<long> ReportedFactsAsync(ClickHouseAnalyticStore? store = null)
    {
        var day = new DateTimeOffset(Noon.Date, TimeSpan.Zero);
        var query = new ActivityQuery(1, null, [new OffsetSegment(day, day.AddDays(1), 0)], 86_400, false);
        var rows = await (store ?? _db.Store).ActivityAsync(query, None);
        return rows.Sum(r => r.Facts);
    }

    private Task<long> AggregateRowsAsync(string where) => RowsAsync(_db.Schema.Activity, where);

    private async Task<long> RowsAsync(string table, string where) =>
        (await _db.Client.ListAsync<Total>($"SELECT toInt64(count()) AS n FROM {table} WHERE {where}", None))[0].N;

    private ClickHouseOptions Options() => new() { Url = ClickHouseTestDatabase.ServerUrl, Database = _db.Database };

    private sealed record Total(long N);

    /// <summary>Lets <paramref name="requests"/> requests reach the server; the process dies before the next one is sent.</summary>
    private sealed class DiesAfter(int requests) : DelegatingHandler(new HttpClientHandler())
    {
        private int _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _sent++ < requests ? base.SendAsync(request, cancellationToken) : throw new HttpRequestException("the ingester died");
    }
}
