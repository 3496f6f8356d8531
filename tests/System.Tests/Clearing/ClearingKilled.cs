using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// The clearing's ingester killed (SIGKILL) in the middle of storing a full journal into DuckDB: restarted, it goes on from the
/// watermark the store committed with its last batch, and the store ends with every journal row exactly once, with its entries.
/// </summary>
[Trait("Category", "Slow")] // SIGKILLs a Host process mid-ingest
public sealed class ClearingKilled(ITestOutputHelper output)
{
    private const int Rows = 60_000;

    [Fact]
    public async Task Killed_mid_ingest_the_store_ends_with_every_journal_row_once()
    {
        var database = "promo_test_clrkill_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = database }.ConnectionString;
        var data = Path.Combine(Path.GetTempPath(), database);
        var settings = new Dictionary<string, string>
        {
            ["Promotion:Database:Provider"] = "MySql",
            ["Promotion:Database:ConnectionString"] = connectionString,
            ["Promotion:DataDirectory"] = data,
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Clearing:BatchSize"] = "100",
            ["Clearing:FlushInterval"] = "00:00:00.050",
            ["Clearing:LeaseTime"] = "00:00:02",
            ["Clearing:RetryDelay"] = "00:00:00.200",
        };
        try
        {
            await using var first = await HostProcess.StartAsync(settings);
            var (expectedDiscount, expectedEntries) = await FillJournalAsync(connectionString);
            var atKill = await Polling.Eventually(() => StatusAsync(first), s => s.Watermark > 0, Polling.Seconds(60),
                "the ingester to store its first batch", every: TimeSpan.FromMilliseconds(10));
            await first.KillAsync();
            output.WriteLine($"killed at watermark {atKill.Watermark} of {atKill.JournalHead}");
            Assert.True(atKill.Watermark < atKill.JournalHead, "the ingester had stored the whole journal before it was killed");

            await using (var second = await HostProcess.StartAsync(settings))
            {
                var done = await Polling.Eventually(() => StatusAsync(second), s => s.LagRows == 0 && s.Watermark > 0, Polling.Seconds(120),
                    "the restarted ingester to store the rest of the journal");
                Assert.Equal(done.JournalHead, done.Watermark);
                await second.KillAsync(); // the file is the process's while it runs
            }

            var (journalRows, journalSeqSum) = await JournalAsync(connectionString);
            Assert.Equal(Rows, journalRows);
            using var duck = new DuckDBConnection($"Data Source={Path.Combine(data, "clearing.duckdb")}");
            duck.Open();
            using var facts = duck.CreateCommand();
            facts.CommandText = "SELECT count(*), count(DISTINCT seq), sum(seq)::BIGINT, sum(discount)::BIGINT FROM clr_facts";
            using var read = facts.ExecuteReader();
            Assert.True(read.Read());
            Assert.Equal((journalRows, journalRows, journalSeqSum, expectedDiscount),
                (read.GetInt64(0), read.GetInt64(1), read.GetInt64(2), read.GetInt64(3)));
            using var entries = duck.CreateCommand();
            entries.CommandText = "SELECT count(*), count(DISTINCT (seq, leg)), sum(amount)::BIGINT FROM clr_entries";
            using var legs = entries.ExecuteReader();
            Assert.True(legs.Read());
            Assert.Equal((expectedEntries, expectedEntries, 0L), (legs.GetInt64(0), legs.GetInt64(1), legs.GetInt64(2)));
        }
        finally
        {
            await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection).ExecuteNonQueryAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Status(long Watermark, long JournalHead, long LagRows);

    private static async Task<Status> StatusAsync(HostProcess host)
    {
        try
        {
            using var client = host.CreateClient(TimeSpan.FromSeconds(10));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                EngineApp.Tokens.Issue(CallerRole.Operator, "ops", TimeSpan.FromHours(1)));
            var body = await (await client.GetAsync("/api/v1/operator/clearing")).JsonAsync();
            return new Status(body.GetProperty("watermark").GetInt64(), body.GetProperty("journalHead").GetInt64(),
                body.GetProperty("lagRows").GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return new Status(0, 0, -1); // not answering yet
        }
    }

    /// <summary>
    /// The journal as the clearing's consumers write it, filled in one transaction: claims (2 coupon legs each) and discounts spent
    /// 30% by the platform (3 money legs each). Returns the discount in all and the entries the postings make.
    /// </summary>
    private static async Task<(long Discount, long Entries)> FillJournalAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var millis = now.ToUnixTimeMilliseconds();
        var day = int.Parse(now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        long discount = 0, entries = 0;
        for (var start = 0; start < Rows; start += 1000)
        {
            var sql = new StringBuilder("INSERT INTO clr_journal (event_id, line, movement, occurred_at, posting_day, merchant_id, template_id, "
                + "scope, currency, funding, platform_share_bps, channel, channel_id, user_coupon_id, user_id, order_id, coupons, discount, "
                + "platform_part, merchant_part, order_amount, journaled_at) VALUES ");
            for (var i = start; i < start + 1000; i++)
            {
                var spent = i % 2 == 1;
                var amount = spent ? 1000 + i % 7 : 0;
                var platform = amount * 3000 / 10_000;
                discount += amount;
                entries += spent ? 3 : 2;
                if (i > start) sql.Append(',');
                sql.Append(CultureInfo.InvariantCulture,
                    $"('{Guid.NewGuid()}', 0, '{(spent ? "DISCOUNT_SPENT" : "CLAIMED")}', {millis}, {day}, {1 + i % 5}, {10 + i % 5}, 'PLATFORM', "
                    + $"'CNY', 'SPLIT', 3000, '{(spent ? "ORDER" : "CLAIM")}', {(spent ? $"'ord-{i}'" : "NULL")}, {i + 1}, 1001, "
                    + $"{(spent ? $"'ord-{i}'" : "NULL")}, {(spent ? 0 : 1)}, {amount}, {platform}, {amount - platform}, {amount * 5}, {millis})");
            }
            await new MySqlCommand(sql.ToString(), connection, tx).ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        return (discount, entries);
    }

    private static async Task<(long Rows, long SeqSum)> JournalAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new MySqlCommand("SELECT COUNT(*), CAST(SUM(seq) AS SIGNED) FROM clr_journal", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
