using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>A query ClickHouse refused or could not run; Message is the server's own text (it starts with its error code).</summary>
internal sealed class ClickHouseException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// ClickHouse's HTTP interface, the way 18.16 speaks it: SQL in the POST body, results as JSONEachRow (one JSON object a line),
/// inserts as TabSeparated in the body with the INSERT in the URL. The official drivers do not fit this server (ClickHouse.Driver
/// 1.5.0 sends output_format_binary_write_json_as_string, which 18.16 refuses: "Unknown setting"), hence this small client.
/// Tables are always named with their database, so no request depends on a session's current database.
/// </summary>
internal sealed class ClickHouseClient
{
    /// <summary>
    /// 18.16 quotes 64-bit integers in JSON (output_format_json_quote_64bit_integers=1: count() and sum() come as "12"), and
    /// smaller ones bare: numbers are read either way.
    /// </summary>
    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _user;
    private readonly string _password;

    public ClickHouseClient(HttpClient http, ClickHouseOptions options)
    {
        _http = http;
        _url = options.Url;
        _user = options.User;
        _password = options.Password;
    }

    /// <summary>Runs a statement that returns nothing (DDL, TRUNCATE).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        using var response = await SendAsync(Request(sql, bufferedErrors: true), HttpCompletionOption.ResponseContentRead, ct);
    }

    /// <summary>
    /// The rows of a query, read as they arrive. A buffered answer (wait_end_of_query) for the small queries turns a failure
    /// into an HTTP error; a streamed one may end with the server's error text instead of a row, which fails the read.
    /// </summary>
    public async IAsyncEnumerable<T> QueryAsync<T>(string sql, bool buffered, [EnumeratorCancellation] CancellationToken ct)
    {
        using var response = await SendAsync(
            Request(sql + "\nFORMAT JSONEachRow", bufferedErrors: buffered), HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(body, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0) continue;
            yield return ParseRow<T>(line);
        }
    }

    public async Task<List<T>> ListAsync<T>(string sql, CancellationToken ct)
    {
        var rows = new List<T>();
        await foreach (var row in QueryAsync<T>(sql, buffered: true, ct)) rows.Add(row);
        return rows;
    }

    /// <summary>Inserts rows written as TabSeparated into <paramref name="table"/> (qualified) with its <paramref name="columns"/>.</summary>
    public Task InsertAsync(string table, string columns, Action<TsvWriter> writeRows, CancellationToken ct) =>
        InsertAsync(table, columns, new TsvContent(null, writeRows), ct);

    /// <summary>
    /// Inserts the rows each of <paramref name="selects"/> answers (their columns in <paramref name="columns"/>' order), then
    /// those <paramref name="writeAfter"/> writes, as one insert whose body the client sends: the queries' answers (each
    /// buffered by the server, so a failure is an HTTP error, not text among the rows) piped through one after another. Unlike an
    /// INSERT … SELECT, which the server may go on running after its client died, the insert ends with the connection, like
    /// every other insert of the append; a query that fails cuts the body there.
    /// </summary>
    public Task CopyAsync(IReadOnlyList<string> selects, string table, string columns, Action<TsvWriter> writeAfter, CancellationToken ct) =>
        InsertAsync(table, columns, new TsvContent(async body =>
        {
            foreach (var select in selects)
            {
                using var answer = await SendAsync(
                    Request(select + "\nFORMAT TabSeparated", bufferedErrors: true), HttpCompletionOption.ResponseHeadersRead, ct);
                await using var rows = await answer.Content.ReadAsStreamAsync(ct);
                await rows.CopyToAsync(body, ct);
            }
        }, writeAfter), ct);

    private async Task InsertAsync(string table, string columns, HttpContent content, CancellationToken ct)
    {
        var query = $"INSERT INTO {table} ({columns}) FORMAT TabSeparated";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_url, "?query=" + Uri.EscapeDataString(query))) { Content = content };
        Authenticate(request);
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    internal static T ParseRow<T>(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, Json) ?? throw new JsonException("null row");
        }
        catch (JsonException e)
        {
            // A streamed answer that failed midway ends with the server's exception text instead of a row.
            throw new ClickHouseException(
                HttpStatusCode.OK, "ClickHouse sent a line that is not a row: " + Truncate(line, 500) + " (" + e.Message + ")");
        }
    }

    private HttpRequestMessage Request(string sql, bool bufferedErrors)
    {
        var query = bufferedErrors ? "?wait_end_of_query=1" : "";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_url, query)) { Content = new StringContent(sql, Encoding.UTF8) };
        Authenticate(request);
        return request;
    }

    private void Authenticate(HttpRequestMessage request)
    {
        request.Headers.Add("X-ClickHouse-User", _user);
        request.Headers.Add("X-ClickHouse-Key", _password);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            // The connection failed, or the request's body could not be written (the inner exception says why).
            var cause = e.InnerException is { } inner ? $" ({inner.GetType().Name}: {inner.Message})" : "";
            throw new ClickHouseException(0, $"ClickHouse is not reachable at {_url}: {e.Message}{cause}");
        }
        finally
        {
            request.Dispose();
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new ClickHouseException(response.StatusCode, Truncate(text.Trim(), 2000));
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>
    /// A request body written row by row straight into the connection (chunked), never held whole in memory: what
    /// <paramref name="copy"/> writes when given (rows in TabSeparated already), then the rows <paramref name="writeRows"/> writes.
    /// </summary>
    private sealed class TsvContent(Func<Stream, Task>? copy, Action<TsvWriter> writeRows) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            if (copy is not null) await copy(stream);
            await using var writer = new TsvWriter(stream);
            writeRows(writer);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
