using PromotionEngine.Clearing.Store.ClickHouse;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>What goes over the wire to 18.16: values in SQL text (no query parameters there), numbers read quoted or bare.</summary>
[Trait("Category", "ClickHouse")]
public sealed class ClickHouseWire : IAsyncLifetime
{
    private readonly ClickHouseTestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Theory]
    [InlineData("""{"count":"12"}""")]
    [InlineData("""{"count":12}""")]
    public void A_number_is_read_whether_quoted_or_bare(string line) => Assert.Equal(12, ClickHouseClient.ParseRow<CountRow>(line).Count);

    [Fact]
    public void A_line_that_is_not_a_row_is_the_server_s_error_and_fails_the_read()
    {
        var e = Assert.Throws<ClickHouseException>(() => ClickHouseClient.ParseRow<CountRow>("Code: 241, e.displayText() = DB::Exception"));

        Assert.Contains("Code: 241", e.Message);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("it's")]
    [InlineData(@"back\slash\")]
    [InlineData("x'); DROP DATABASE system; --")]
    [InlineData("\\'")]
    [InlineData("tab\tnew\nline\r\0zero")]
    [InlineData("人民币 ¥")]
    public async Task A_string_literal_reaches_the_server_as_the_value_it_was(string value)
    {
        var rows = await _db.Client.ListAsync<TextRow>($"SELECT {ClickHouseSql.String(value)} AS text", CancellationToken.None);

        Assert.Equal(value, Assert.Single(rows).Text);
    }

    [Theory]
    [InlineData("clearing")]
    [InlineData("clr_test_1")]
    public void A_plain_identifier_is_accepted(string name) => Assert.Equal(name, ClickHouseSql.Identifier(name));

    [Theory]
    [InlineData("a;b")]
    [InlineData("db.table")]
    [InlineData("`x`")]
    [InlineData("1st")]
    [InlineData("")]
    public void Anything_else_as_a_name_is_refused(string name) => Assert.Throws<ArgumentException>(() => ClickHouseSql.Identifier(name));

    [Fact]
    public async Task A_refused_query_raises_the_server_s_message()
    {
        var e = await Assert.ThrowsAsync<ClickHouseException>(
            () => _db.Client.ExecuteAsync($"SELECT no_such_column FROM {_db.Schema.Facts}", CancellationToken.None));

        Assert.Contains("no_such_column", e.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_named_in_the_error()
    {
        using var http = new HttpClient();
        var client = new ClickHouseClient(http, new ClickHouseOptions { Url = new Uri("http://127.0.0.1:1/") });

        var e = await Assert.ThrowsAsync<ClickHouseException>(() => client.ExecuteAsync("SELECT 1", CancellationToken.None));

        Assert.Contains("127.0.0.1:1", e.Message);
    }

    private sealed record CountRow(long Count);
    private sealed record TextRow(string Text);
}
