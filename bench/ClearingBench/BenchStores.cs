using DuckDB.NET.Data;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Clearing.Store.ClickHouse;
using PromotionEngine.Clearing.Store.DuckDb;

namespace PromotionEngine.ClearingBench;

/// <summary>An analytic store under measurement: its adapter, and a raw bulk insert of the same rows into the same kind of store.</summary>
internal interface IBenchStore : IAsyncDisposable
{
    string Name { get; }
    IAnalyticStore Store { get; }

    /// <summary>The rows as they are, in bulk, no check and no watermark: the ceiling the adapter's append is compared with.</summary>
    Task RawInsertAsync(IReadOnlyList<FactBatch> batches, CancellationToken ct);
}

/// <summary>A database of its own on the ClickHouse server (dropped at the end unless kept).</summary>
internal sealed class ClickHouseBenchStore : IBenchStore
{
    private readonly RequestTimes _times = new();
    private readonly HttpClient _http;
    private readonly ClickHouseClient _client;
    private readonly ClickHouseAnalyticStore _store;
    private readonly bool _keep;

    public ClickHouseBenchStore(Uri url, string database, bool keep, bool readsHours = true)
    {
        _http = new HttpClient(_times) { Timeout = TimeSpan.FromHours(1) };
        _client = new ClickHouseClient(_http, new ClickHouseOptions { Url = url, Database = database });
        Schema = new ClickHouseSchema(database);
        _store = new ClickHouseAnalyticStore(_client, Schema) { ReadsHours = readsHours };
        _keep = keep;
    }

    public string Name => "ClickHouse";
    public IAnalyticStore Store => _store;
    public ClickHouseSchema Schema { get; }

    public async Task RawInsertAsync(IReadOnlyList<FactBatch> batches, CancellationToken ct)
    {
        await _store.InsertFactsAsync(batches.SelectMany(b => b.Facts), ct);
        await _store.InsertEntriesAsync(batches.SelectMany(b => b.Entries), ct);
    }

    /// <summary>Merges each table's parts as a store left alone for a while would be (the query figures are for a settled store).</summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        await _client.ExecuteAsync($"OPTIMIZE TABLE {Schema.Facts} FINAL", ct);
        await _client.ExecuteAsync($"OPTIMIZE TABLE {Schema.Entries} FINAL", ct);
        await _client.ExecuteAsync($"OPTIMIZE TABLE {Schema.Activity} FINAL", ct);
        await _client.ExecuteAsync($"OPTIMIZE TABLE {Schema.ActivityHours} FINAL", ct);
    }

    /// <summary>A kept store written before the hour rollup gets it filled from its aggregate, as the upgraded engine's first append would.</summary>
    public Task CatchUpHoursAsync(CancellationToken ct) => _store.CatchUpHoursAsync(ct);

    /// <summary>Requests sent so far and the time until each answered, per kind (the table inserted into, or "query").</summary>
    public string RequestSummary() => _times.Summary();

    public async ValueTask DisposeAsync()
    {
        if (!_keep) await _client.ExecuteAsync($"DROP DATABASE IF EXISTS {Schema.Database}", CancellationToken.None);
        _http.Dispose();
    }
}

/// <summary>A DuckDB file of its own (deleted at the end unless kept).</summary>
internal sealed class DuckDbBenchStore(string path, bool keep) : IBenchStore
{
    private readonly DuckDbAnalyticStore _store = new(path);

    public string Name => "DuckDB";
    public IAnalyticStore Store => _store;

    public async Task RawInsertAsync(IReadOnlyList<FactBatch> batches, CancellationToken ct)
    {
        await using var connection = new DuckDBConnection($"Data Source={path}");
        await connection.OpenAsync(ct);
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN TRANSACTION";
            await begin.ExecuteNonQueryAsync(ct);
        }
        using (var appender = connection.CreateAppender("clr_facts"))
        {
            foreach (var f in batches.SelectMany(b => b.Facts))
            {
                appender.CreateRow().AppendValue(f.Seq).AppendValue(f.EventId).AppendValue(f.Line).AppendValue(f.Movement)
                    .AppendValue(f.OccurredAt.ToUnixTimeMilliseconds()).AppendValue(f.PostingDay).AppendValue(f.OriginalDay)
                    .AppendValue(f.MerchantId).AppendValue(f.TemplateId).AppendValue(f.Scope).AppendValue(f.Currency).AppendValue(f.Funding)
                    .AppendValue(f.PlatformShareBps).AppendValue(f.Channel).AppendValue(f.ChannelId).AppendValue(f.UserCouponId)
                    .AppendValue(f.UserId).AppendValue(f.OrderId).AppendValue(f.Status).AppendValue(f.Coupons).AppendValue(f.Discount)
                    .AppendValue(f.PlatformPart).AppendValue(f.MerchantPart).AppendValue(f.OrderAmount).AppendValue(f.OrderLine)
                    .AppendValue(f.Sku).EndRow();
            }
        }
        using (var appender = connection.CreateAppender("clr_entries"))
        {
            foreach (var e in batches.SelectMany(b => b.Entries))
            {
                appender.CreateRow().AppendValue(e.Seq).AppendValue(e.EventId).AppendValue(e.Line).AppendValue(e.Leg).AppendValue(e.PostingDay)
                    .AppendValue(e.OriginalDay).AppendValue(e.MerchantId).AppendValue(e.Currency).AppendValue(e.Unit).AppendValue(e.Account)
                    .AppendValue(e.Amount).AppendValue(e.TemplateId).AppendValue(e.OccurredAt.ToUnixTimeMilliseconds()).EndRow();
            }
        }
        await using var commit = connection.CreateCommand();
        commit.CommandText = "COMMIT";
        await commit.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync()
    {
        _store.Dispose();
        if (!keep)
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>Counts requests and sums the time until each one's answer was read, per kind: the INSERT's table, or "query".</summary>
internal sealed class RequestTimes() : DelegatingHandler(new HttpClientHandler())
{
    private readonly Dictionary<string, (int Count, TimeSpan Time)> _kinds = [];

    public string Summary()
    {
        lock (_kinds)
        {
            var text = string.Join(", ", _kinds.OrderBy(k => k.Key)
                .Select(k => $"{k.Key} {k.Value.Count} × {k.Value.Time.TotalMilliseconds / k.Value.Count:F1} ms"));
            _kinds.Clear();
            return text;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = Uri.UnescapeDataString(request.RequestUri?.Query ?? "");
        var into = query.IndexOf("INSERT INTO ", StringComparison.Ordinal);
        var kind = into >= 0 ? "insert " + query[(into + 12)..].Split(' ')[0].Split('.')[^1] : "query";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        lock (_kinds)
        {
            var (count, time) = _kinds.GetValueOrDefault(kind);
            _kinds[kind] = (count + 1, time + clock.Elapsed);
        }
        return response;
    }
}
