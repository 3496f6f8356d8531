using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>
/// The request an operation would accept, as far as the fuzzer can build one: path, query and header values, and a JSON
/// body (from the request schema, with values the test knows to be meaningful) or multipart parts.
/// </summary>
internal sealed class SeedRequest
{
    public required ApiOperation Operation { get; init; }
    public Dictionary<string, string> Path { get; init; } = new(StringComparer.Ordinal);
    public List<KeyValuePair<string, string>> Query { get; init; } = [];
    public List<KeyValuePair<string, string>> Headers { get; init; } = [];
    public JsonNode? Json { get; init; }
    public Schema? JsonSchema { get; init; }
    public List<FormPart>? Form { get; init; }
}

/// <summary>
/// Turns a seed request into mutated ones, one fault each: wrong types and boundaries in every body member (found by walking
/// the body and its schema), broken JSON text (duplicate members, invalid UTF-8, deep nesting, truncation), odd path and
/// query values, malformed headers, broken multipart, and the wrong credentials. At most a budget of them per operation,
/// picked by the seeded random source, so a run is reproducible from its seed.
/// </summary>
internal static class Mutations
{
    private const string Marker = "\u0001fuzz-marker\u0001";
    private const string Boundary = "fuzz-boundary-7d1f";

    /// <summary>Every mutation of the seed, lazily built; the credential cases and the seed itself always run.</summary>
    public static List<FuzzRequest> For(SeedRequest seed, Random random, int budget)
    {
        var always = new List<(string What, Func<FuzzRequest> Build)>
        {
            ("seed", () => Build(seed, "seed")),
            ("no token", () => Build(seed, "no token", credentials: Credentials.None)),
            ("token of another role", () => Build(seed, "token of another role", credentials: Credentials.WrongRole)),
            ("bearer value that is not a token", () => Build(seed, "bearer value that is not a token", credentials: Credentials.Garbage)),
            ("token signed with an untrusted key", () => Build(seed, "token signed with an untrusted key", credentials: Credentials.ForeignKey)),
        };
        var pool = new List<(string What, Func<FuzzRequest> Build)>();
        pool.AddRange(MethodCases(seed));
        pool.AddRange(PathCases(seed));
        pool.AddRange(QueryCases(seed));
        pool.AddRange(HeaderCases(seed));
        if (seed.Json is not null) pool.AddRange(JsonCases(seed));
        if (seed.Form is not null) pool.AddRange(FormCases(seed));
        pool.AddRange(RandomCases(seed, random));

        // A fixed shuffle of the pool, then the first ones that fit the budget.
        for (var i = pool.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        // Each request its own Idempotency-Key (unless the key is what was varied), so a request that passes validation
        // reaches the write path instead of stopping at a reused key.
        var key = seed.Headers.FirstOrDefault(h => h.Key == "Idempotency-Key").Value;
        return always.Concat(pool.Take(Math.Max(0, budget - always.Count))).Select((c, n) =>
        {
            var request = c.Build();
            return key is null || !request.Headers.Contains(new("Idempotency-Key", key)) ? request : request with
            {
                Headers = request.Headers.Select(h => h.Key == "Idempotency-Key" && h.Value == key ? new(h.Key, $"{key}-{n}") : h).ToList(),
            };
        }).ToList();
    }

    // ---------------------------------------------------------------- method, path, query, headers

    private static IEnumerable<(string, Func<FuzzRequest>)> MethodCases(SeedRequest seed)
    {
        var other = seed.Operation.Method == "PUT" ? "DELETE" : "PUT";
        yield return ($"method {other}", () => Build(seed, $"method {other}", method: other));
    }

    // No %00 in paths: the in-process test server refuses to carry it (Kestrel answers such a request line 400 before the app).
    private static readonly string[] IntegerPathValues =
    [
        "abc", "1%202", "%201", "+1", "-1", "0", "00", "01", "1.5", "1e3", "0x1F", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999", new string('9', 4000), "%E2%80%AE1", "%01", "%FF", "%D9%A1", "1;2", "1,2",
        "1%2F2", "null", "%EF%BC%91", "1%0A",
    ];

    private static readonly string[] StringPathValues =
    [
        "a%20b", "%2B", "-1", "%2E%2E", "%01", "%1B", "%FF", "%E2%80%AE", new string('x', 65), new string('x', 5000), "%C3%A9", "a%2Fb",
        "%22%27%3C%3E", "x'--", "%20", "%0D%0A", "%F0%9F%98%80", "a%5Cb",
    ];

    private static IEnumerable<(string, Func<FuzzRequest>)> PathCases(SeedRequest seed)
    {
        foreach (var parameter in seed.Operation.In("path"))
        {
            var values = parameter.Schema.Kind is ValueKind.Integer or ValueKind.Number ? IntegerPathValues : StringPathValues;
            foreach (var raw in values)
            {
                var what = $"path {parameter.Name} = {Short(raw)}";
                yield return (what, () => Build(seed, what, rawPath: new Dictionary<string, string> { [parameter.Name] = raw }));
            }
        }
    }

    private static readonly string[] IntegerQueryValues =
        ["abc", "", "-1", "0", "2147483648", "9223372036854775808", "1.5", "%2B1", "%201", "1e2", new string('9', 4000), "%00", "%FF", "0x10",
            "true"];

    private static readonly string[] BooleanQueryValues = ["yes", "2", "", "%00", "TRUE%20", "null"];

    private static readonly string[] StringQueryValues =
    [
        "", "%20", new string('x', 300), new string('x', 20_000), "%00", "%01", "%FF", "%E2%80%AE", "%C3%A9", "'", "%22", "*", "?", "(", ")", "%5B",
        "%7B", "%5C", "~", "%5E", ":", "AND", "OR%20NOT", "a~1000000", "%2A%3F%2A", "-", "%26", "%23", "%F0%9F%98%80", "ACTIVE%00",
    ];

    private static IEnumerable<(string, Func<FuzzRequest>)> QueryCases(SeedRequest seed)
    {
        foreach (var parameter in seed.Operation.In("query"))
        {
            var values = parameter.Schema.Kind switch
            {
                ValueKind.Integer or ValueKind.Number => IntegerQueryValues.Concat(StringQueryValues.Take(6)),
                ValueKind.Boolean => BooleanQueryValues,
                _ => StringQueryValues,
            };
            foreach (var raw in values)
            {
                var what = $"query {parameter.Name}={Short(raw)}";
                yield return (what, () => Build(seed, what, rawQuery: Query(seed, parameter.Name) + "&" + parameter.Name + "=" + raw));
            }
            var twice = $"query {parameter.Name} twice";
            yield return (twice, () => Build(seed, twice, rawQuery: Query(seed, parameter.Name) + $"&{parameter.Name}=1&{parameter.Name}=2"));
        }
        yield return ("unknown query parameter", () => Build(seed, "unknown query parameter", rawQuery: Query(seed, null) + "&fuzzUnknown=1"));
        yield return ("query without a value", () => Build(seed, "query without a value", rawQuery: Query(seed, null) + "&&=&limit"));
    }

    private static readonly string[] KeyValues =
        ["", " ", new string('k', 101), new string('k', 10_000), "clé", "\u0001", "a\tb", "\u202Ekey", "a b", "\u007f"];

    private static readonly string?[] ContentTypes =
    [
        null, "text/plain", "application/xml", "application/json; charset=utf-16", "application/x-www-form-urlencoded", "multipart/form-data",
        "application/json; charset=nope", ";;;", "application/merge-patch+json", "application/json; boundary=\"", "*/*", "application/json\u0001",
    ];

    private static IEnumerable<(string, Func<FuzzRequest>)> HeaderCases(SeedRequest seed)
    {
        if (seed.Operation.IsWrite || seed.Operation.In("header").Any(p => p.Name == "Idempotency-Key"))
        {
            foreach (var value in KeyValues)
            {
                var what = $"Idempotency-Key = {Short(value)}";
                yield return (what, () => Build(seed, what, headers: WithHeader(seed, "Idempotency-Key", value)));
            }
            yield return ("Idempotency-Key twice", () => Build(seed, "Idempotency-Key twice",
                headers: [.. WithHeader(seed, "Idempotency-Key", "fuzz-key-a"), new("Idempotency-Key", "fuzz-key-b")]));
            yield return ("no Idempotency-Key", () => Build(seed, "no Idempotency-Key", headers: WithHeader(seed, "Idempotency-Key", null)));
        }
        foreach (var header in seed.Operation.In("header").Where(p => p.Name != "Idempotency-Key"))
        {
            foreach (var value in KeyValues)
            {
                var what = $"{header.Name} = {Short(value)}";
                yield return (what, () => Build(seed, what, headers: WithHeader(seed, header.Name, value)));
            }
        }
        if (seed.Json is not null || seed.Form is not null)
        {
            foreach (var type in ContentTypes)
            {
                var what = $"Content-Type = {type ?? "(none)"}";
                yield return (what, () => Build(seed, what, contentType: type ?? "", noContentType: type is null));
            }
        }
        else
        {
            yield return ("a JSON body where none is expected", () => Build(seed, "a JSON body where none is expected",
                body: "{\"fuzz\":1}"u8.ToArray(), contentType: "application/json"));
            yield return ("garbage body where none is expected", () => Build(seed, "garbage body where none is expected",
                body: [0xff, 0x00, 0x7b], contentType: "application/octet-stream"));
        }
        yield return ("Accept = text/html", () => Build(seed, "Accept = text/html", headers: [.. seed.Headers, new("Accept", "text/html")]));
    }

    private static List<KeyValuePair<string, string>> WithHeader(SeedRequest seed, string name, string? value)
    {
        var headers = seed.Headers.Where(h => !h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (value is not null) headers.Add(new(name, value));
        return headers;
    }

    // ---------------------------------------------------------------- JSON bodies

    private static IEnumerable<(string, Func<FuzzRequest>)> JsonCases(SeedRequest seed)
    {
        var text = seed.Json!.ToJsonString();
        var whole = new (string What, Func<byte[]> Body)[]
        {
            ("empty body", () => []),
            ("body null", () => "null"u8.ToArray()),
            ("body []", () => "[]"u8.ToArray()),
            ("body a string", () => "\"x\""u8.ToArray()),
            ("body a number", () => "0"u8.ToArray()),
            ("body {}", () => "{}"u8.ToArray()),
            ("body {", () => "{"u8.ToArray()),
            ("body truncated", () => Encoding.UTF8.GetBytes(text[..(text.Length / 2)])),
            ("trailing garbage", () => Encoding.UTF8.GetBytes(text + " x")),
            ("two documents", () => Encoding.UTF8.GetBytes(text + text)),
            ("byte order mark", () => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]),
            ("comment", () => Encoding.UTF8.GetBytes("/*c*/" + text)),
            ("trailing comma", () => Encoding.UTF8.GetBytes(text.Length > 2 ? text[..^1] + ",}" : "{,}")),
            ("single quotes", () => Encoding.UTF8.GetBytes(text.Replace('"', '\''))),
            ("NaN", () => "NaN"u8.ToArray()),
            ("array nested 10000 deep", () => Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
            ("object nested 2000 deep",
                () => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000))),
            ("invalid UTF-8 byte", () => [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),
            ("UTF-16 text", () => Encoding.Unicode.GetBytes(text)),
            ("1 MiB unknown member", () => Encoding.UTF8.GetBytes(WithMember(text, "\"fuzzUnknown\":\"" + new string('x', 1 << 20) + "\""))),
            ("10000 unknown members",
                () => Encoding.UTF8.GetBytes(WithMember(text, string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"m{i}\":{i}"))))),
            ("unknown member", () => Encoding.UTF8.GetBytes(WithMember(text, "\"fuzzUnknown\":1"))),
            ("NUL byte between tokens", () => Encoding.UTF8.GetBytes(text.Length > 1 ? text[..1] + "\0" + text[1..] : "\0")),
        };
        foreach (var (what, body) in whole) yield return (what, () => Build(seed, what, body: body()));

        foreach (var slot in Slots(seed.Json!, seed.JsonSchema ?? Schema.Unknown, []))
        {
            foreach (var (label, raw) in ValuesFor(slot))
            {
                var what = $"body{slot.Label} = {label}";
                yield return (what, () => Build(seed, what, body: Render(seed.Json!, slot.Path, raw)));
            }
            var missing = $"body{slot.Label} missing" + (slot.Required ? " (required)" : "");
            yield return (missing, () => Build(seed, missing, body: Render(seed.Json!, slot.Path, null)));
            if (slot.Path[^1] is string name)
            {
                var original = slot.Node?.ToJsonString() ?? "null";
                var twice = $"body{slot.Label} twice";
                yield return (twice, () => Build(seed, twice,
                    body: Render(
                        seed.Json!, slot.Path, Encoding.UTF8.GetBytes(original + "," + JsonSerializer.Serialize(name) + ":" + Alternative(slot)))));
            }
        }
    }

    /// <summary>A member somewhere in the body: its address, label, current value and (when the document says) schema.</summary>
    private sealed record Slot(IReadOnlyList<object> Path, string Label, JsonNode? Node, Schema Schema, bool Required)
    {
        public ValueKind Kind => Schema.Kind != ValueKind.Any ? Schema.Kind : Node switch
        {
            JsonObject => ValueKind.Object,
            JsonArray => ValueKind.Array,
            JsonValue v when v.GetValueKind() == JsonValueKind.String => ValueKind.String,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => ValueKind.Integer,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => ValueKind.Boolean,
            _ => ValueKind.Any,
        };
    }

    private static IEnumerable<Slot> Slots(JsonNode node, Schema schema, List<object> path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var memberSchema = schema.Properties.GetValueOrDefault(name) ?? Schema.Unknown;
                    List<object> memberPath = [.. path, name];
                    yield return new Slot(memberPath, Label(memberPath), value, memberSchema, schema.Required.Contains(name));
                    if (value is not null)
                        foreach (var inner in Slots(value, memberSchema, memberPath)) yield return inner;
                }
                break;
            case JsonArray { Count: > 0 } array:
                List<object> itemPath = [.. path, 0];
                yield return new Slot(itemPath, Label(itemPath), array[0], schema.Items ?? Schema.Unknown, Required: false);
                if (array[0] is { } item)
                    foreach (var inner in Slots(item, schema.Items ?? Schema.Unknown, itemPath)) yield return inner;
                break;
        }
    }

    private static string Label(IEnumerable<object> path) => string.Concat(path.Select(p => p is int i ? $"[{i}]" : "." + p));

    private static readonly string[] Numbers =
    [
        "0", "-1", "9223372036854775807", "-9223372036854775808", "9007199254740993", "9223372036854775808", "-9223372036854775809",
        "1e400", "1.5", "-0", "2147483648", "-2147483649", "1E2", "0.0000001", "\"12\"", "\"0x10\"", "\"1e3\"", "\" 7\"", "\"\"",
    ];

    private static readonly string[] Strings =
    [
        "\"\"", "\" \"", "\"\\u0000\"", "\"\\u001b[31mred\"", "\"\\u202Eevil\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"\\r\\n\"",
        "\"<script>alert(1)</script>\"", "\"'; DROP TABLE x; --\"", "\"   padded   \"", "\"\\u0085\\u2028\\u2029\"", "\"%00\"", "\"\\uFEFF\"",
        "\"null\"", "\"true\"", "\"-1\"",
    ];

    private static readonly string[] Times =
    [
        "\"2026-06-01T00:00:00\"", "\"2026-13-45T99:99:99Z\"", "\"0001-01-01T00:00:00+14:00\"", "\"9999-12-31T23:59:59-14:00\"", "\"1\"",
        "\"\"", "\"2026-06-01\"", "\"P1D\"", "1767225600", "\"2026-06-01T00:00:00.123456789+08:00\"",
    ];

    /// <summary>Values to put in place of a member: wrong types for every member, then boundaries by what it is.</summary>
    private static IEnumerable<(string Label, byte[] Raw)> ValuesFor(Slot slot)
    {
        var values = new List<string>
        {
            "null", "\"fuzz\"", "1", "true", "{}", "[]", "[[[[[[[[[[]]]]]]]]]]", new string('[', 3000) + new string(']', 3000),
        };
        switch (slot.Kind)
        {
            case ValueKind.Integer or ValueKind.Number:
                values.AddRange(Numbers);
                break;
            case ValueKind.String when slot.Schema.IsDateTime || LooksLikeTime(slot.Node):
                values.AddRange(Times);
                values.AddRange(Strings.Take(6));
                break;
            case ValueKind.String:
                values.AddRange(Strings);
                values.Add("\"" + new string('x', 100_000) + "\"");
                values.Add("\"" + string.Concat(Enumerable.Repeat("\\uD83D\\uDE00", 2000)) + "\"");
                break;
            case ValueKind.Boolean:
                values.AddRange(["\"true\"", "0", "\"yes\"", "True"]);
                break;
            case ValueKind.Array:
                values.AddRange(["[null]", "[\"\"]", "[-1]", "[{}]", "[[]]"]);
                var item = slot.Node is JsonArray { Count: > 0 } a ? a[0]?.ToJsonString() ?? "1" : "1";
                values.Add("[" + string.Join(',', Enumerable.Repeat(item, 10_000)) + "]");
                values.Add("[" + string.Join(',', Enumerable.Range(1, 10_000)) + "]");
                break;
            case ValueKind.Object:
                values.AddRange(["{\"fuzzUnknown\":1}", "{\"\":null}"]);
                break;
            default:
                values.AddRange(Numbers.Take(4).Concat(Strings.Take(4)));
                break;
        }
        foreach (var value in values.Distinct()) yield return (Short(value), Encoding.UTF8.GetBytes(value));
        // Raw text no serializer would write: a bidi override and control bytes unescaped, and invalid UTF-8 inside a string.
        yield return ("raw bidi override", Encoding.UTF8.GetBytes("\"\u202Eabc\u202C\""));
        yield return ("raw control byte", [0x22, 0x61, 0x01, 0x62, 0x22]);
        yield return ("invalid UTF-8 in a string", [0x22, 0xC3, 0x28, 0xFF, 0x22]);
    }

    private static bool LooksLikeTime(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out _);

    /// <summary>A second value of the member's own kind, for a duplicated member.</summary>
    private static string Alternative(Slot slot) => slot.Kind switch
    {
        ValueKind.Integer or ValueKind.Number => "2",
        ValueKind.Boolean => "true",
        ValueKind.Array => "[]",
        ValueKind.Object => "{}",
        ValueKind.String when slot.Schema.IsDateTime || LooksLikeTime(slot.Node) => "\"2030-01-01T00:00:00Z\"",
        _ => "\"other\"",
    };

    /// <summary>The body with the member at <paramref name="path"/> replaced by raw bytes, or removed (null).</summary>
    private static byte[] Render(JsonNode body, IReadOnlyList<object> path, byte[]? raw)
    {
        var copy = body.DeepClone();
        JsonNode parent = copy;
        foreach (var step in path.Take(path.Count - 1)) parent = step is int i ? parent[i]! : parent[(string)step]!;
        var last = path[^1];
        if (raw is null)
        {
            if (last is string member) parent.AsObject().Remove(member);
            else parent.AsArray().RemoveAt((int)last);
            return Encoding.UTF8.GetBytes(copy.ToJsonString());
        }
        if (last is string name) parent[name] = Marker;
        else parent[(int)last] = Marker;
        var text = copy.ToJsonString();
        var marker = JsonSerializer.Serialize(Marker);
        var at = text.IndexOf(marker, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(text[..at]), .. raw, .. Encoding.UTF8.GetBytes(text[(at + marker.Length)..])];
    }

    private static string WithMember(string objectText, string member) =>
        objectText.StartsWith('{') ? "{" + member + (objectText.Length > 2 ? "," : "") + objectText[1..] : objectText;

    // ---------------------------------------------------------------- multipart bodies

    private static IEnumerable<(string, Func<FuzzRequest>)> FormCases(SeedRequest seed)
    {
        var parts = seed.Form!;
        var type = FormPart.ContentTypeFor(Boundary);
        var valid = FormPart.Render(parts, Boundary);
        (string, Func<FuzzRequest>) Raw(string what, Func<byte[]> body, string? contentType = null) =>
            (what, () => Build(seed, what, body: body(), contentType: contentType ?? type));
        (string, Func<FuzzRequest>) Parts(string what, Func<IEnumerable<FormPart>> with) =>
            (what, () => Build(seed, what, body: FormPart.Render(with(), Boundary), contentType: type));

        yield return Raw("multipart without a boundary", () => valid, "multipart/form-data");
        yield return Raw("multipart with another boundary", () => valid, FormPart.ContentTypeFor("not-the-boundary"));
        yield return Raw(
            "multipart boundary of 200 characters", () => FormPart.Render(parts, new string('b', 200)),
            FormPart.ContentTypeFor(new string('b', 200)));
        yield return Raw("multipart boundary empty quotes", () => valid, "multipart/form-data; boundary=\"\"");
        yield return Raw("multipart empty body", () => []);
        yield return Raw("multipart without the closing boundary", () => FormPart.Render(parts, Boundary, close: false));
        yield return Raw("multipart cut in the middle", () => valid[..(valid.Length / 2)]);
        yield return Raw("multipart garbage", () => [0xFF, 0x00, 0x2D, 0x2D, 0x0D, 0x0A, 0xC3]);
        yield return Raw("multipart only a preamble", () => "just some text\r\n"u8.ToArray());
        yield return Raw("multipart closing boundary only", () => Encoding.UTF8.GetBytes($"--{Boundary}--\r\n"));
        yield return Raw("multipart part without Content-Disposition", () =>
            Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart header line without a colon", () =>
            Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition form-data name=file\r\n\r\nhello\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart header of 20000 bytes", () =>
            Encoding.UTF8.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{new string('n', 20_000)}\"\r\n\r\nx\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart 5000 parts", () =>
            FormPart.Render(parts.Concat(Enumerable.Range(0, 5000).Select(i => FormPart.Text("extra" + i, "x"))), Boundary));
        yield return Raw("multipart name with a quote and CRLF", () =>
            Encoding.UTF8.GetBytes(
                $"--{Boundary}\r\nContent-Disposition: form-data; name=\"a\"b\"; filename*=UTF-8''%FF%FE\r\n\r\nx\r\n--{Boundary}--\r\n"));
        yield return Raw("multipart section headers in invalid UTF-8", () =>
            [
                .. Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\""), 0xFF, 0xC3,
                .. Encoding.UTF8.GetBytes($"\"\r\n\r\nx\r\n--{Boundary}--\r\n"),
            ]);

        foreach (var part in parts.Select(p => p.Name).Distinct())
        {
            yield return Parts($"form {part} missing", () => parts.Where(p => p.Name != part));
            yield return Parts($"form {part} twice", () => parts.Concat(parts.Where(p => p.Name == part)));
        }
        var textFields = parts.Where(p => p.FileName is null).Select(p => p.Name).Distinct().ToList();
        string[] fieldValues =
        [
            "", " ", "abc", "-1", "0", "+1", " 1", "9223372036854775808", "1.5", "\u0000", "\u001b", "\u202Eevil", new string('x', 5000),
            "2026-06-01T00:00:00", "9999-12-31T23:59:59Z", "IN_APP,IN_APP", "sms", "FAX", "\ud800",
        ];
        foreach (var field in textFields.Concat(["startAt", "notify"]).Distinct())
        {
            foreach (var value in fieldValues)
            {
                var what = $"form {field} = {Short(value)}";
                yield return Parts(what, () => parts.Where(p => p.Name != field).Append(FormPart.Text(field, value)));
            }
            yield return Parts(
                $"form {field} invalid UTF-8", () => parts.Where(p => p.Name != field).Append(new FormPart(field, [0xC3, 0x28, 0xFF])));
        }
        yield return Parts("form unknown field", () => parts.Append(FormPart.Text("fuzzUnknown", "1")));

        var file = parts.FirstOrDefault(p => p.FileName is not null);
        if (file is null) yield break;
        var name = file.Name;
        IEnumerable<FormPart> WithFile(FormPart replacement) => parts.Where(p => p.Name != name).Append(replacement);
        var files = new (string What, FormPart Part)[]
        {
            ("file empty", file with { Content = [] }),
            ("file as a plain field", new FormPart(name, file.Content)),
            ("file binary garbage", file with { Content = [0x00, 0xFF, 0x13, 0x37, 0x00, 0x80] }),
            ("file a broken zip", file with { Content = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0xFF, 0xFF], FileName = "recipients.xlsx" }),
            ("file header only", file with { Content = "userId\n"u8.ToArray() }),
            ("file without a user id column", file with { Content = "phone,name\n1,a\n"u8.ToArray() }),
            ("file invalid UTF-8", file with { Content = [.. "userId\n1"u8.ToArray(), 0xC3, 0x28, 0xFF, 0x0A] }),
            ("file one line of 2 MiB", file with { Content = Encoding.UTF8.GetBytes("userId\n" + new string('1', 2 << 20) + "\n") }),
            ("file with odd user ids", file with { Content = "userId\n-1\n0\n9223372036854775808\nabc\n 5 \n1e3\n\"7\"\n\u202E8\n"u8.ToArray() }),
            ("file with an unterminated quote", file with { Content = "userId\n\"1\n2\n"u8.ToArray() }),
            ("file name with a path", file with { FileName = "../../etc/passwd.csv" }),
            ("file name of 5000 characters", file with { FileName = new string('f', 5000) + ".csv" }),
            ("file name with control characters", file with { FileName = "a\u0001\u202Eb.csv" }),
            ("file name empty", file with { FileName = "" }),
            ("file content type xlsx with CSV content",
                file with { ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
        };
        foreach (var (what, part) in files) yield return Parts(what, () => WithFile(part));
    }

    // ---------------------------------------------------------------- random cases: what the seed changes

    private const int RandomBodyCases = 40;
    private const int RandomQueryCases = 10;

    /// <summary>
    /// Cases drawn from the seeded random source: body bytes flipped, random values (any JSON kind, text from every
    /// troublesome Unicode range) in one to three members at once, random query values. Each case keeps its own seed.
    /// </summary>
    private static IEnumerable<(string, Func<FuzzRequest>)> RandomCases(SeedRequest seed, Random random)
    {
        var slots = seed.Json is null ? new List<Slot>() : Slots(seed.Json, seed.JsonSchema ?? Schema.Unknown, []).ToList();
        var queries = seed.Operation.In("query").Select(p => p.Name).ToList();
        if (seed.Json is not null)
        {
            for (var i = 0; i < RandomBodyCases; i++)
            {
                var caseSeed = random.Next();
                if (i % 4 == 0)
                {
                    var what = $"random bytes changed (case seed {caseSeed})";
                    yield return (what, () => Build(seed, what, body: Flip(Encoding.UTF8.GetBytes(seed.Json.ToJsonString()), new Random(caseSeed))));
                }
                else if (slots.Count > 0)
                {
                    var what = $"random values (case seed {caseSeed})";
                    yield return (what, () => RandomValues(seed, slots, what, caseSeed));
                }
            }
        }
        for (var i = 0; i < RandomQueryCases && queries.Count > 0; i++)
        {
            var caseSeed = random.Next();
            var what = $"random query value (case seed {caseSeed})";
            yield return (what, () => RandomQueryValue(seed, queries, what, caseSeed));
        }
    }

    /// <summary>Sets the member at <paramref name="path"/> when it is still there (an earlier change may have replaced its parent).</summary>
    private static bool Set(JsonNode body, IReadOnlyList<object> path, JsonNode? value)
    {
        JsonNode? parent = body;
        foreach (var step in path.Take(path.Count - 1))
        {
            parent = (parent, step) switch
            {
                (JsonArray a, int i) when a.Count > i => a[i],
                (JsonObject o, string name) => o[name],
                _ => null,
            };
        }
        switch (parent, path[^1])
        {
            case (JsonObject o, string name):
                o[name] = value;
                return true;
            case (JsonArray a, int index) when a.Count > index:
                a[index] = value;
                return true;
            default:
                return false;
        }
    }

    private static byte[] Flip(byte[] body, Random random)
    {
        var bytes = body.ToList();
        for (var k = 0; k < 1 + random.Next(8) && bytes.Count > 0; k++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.Insert(at, (byte)random.Next(256)); break;
                default: bytes.RemoveAt(at); break;
            }
        }
        return [.. bytes];
    }

    private static JsonNode? RandomValue(Random random, int depth) => random.Next(depth < 3 ? 8 : 6) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => RandomWhole(random),
        3 => random.NextDouble() * Math.Pow(10, random.Next(-10, 300)) * (random.Next(2) == 0 ? 1 : -1),
        4 or 5 => RandomText(random),
        6 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomValue(random, depth + 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create("m" + i, RandomValue(random, depth + 1)))),
    };

    private static readonly int[] Powers = [7, 8, 15, 16, 31, 32, 53, 62];

    private static long RandomWhole(Random random) => random.Next(5) switch
    {
        0 => 0,
        1 => random.Next(-10, 10),
        2 => random.Next(int.MinValue, int.MaxValue),
        3 => random.NextInt64(long.MinValue, long.MaxValue),
        _ => (1L << Powers[random.Next(Powers.Length)]) + random.Next(-1, 2),
    };

    private const string Bidi = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
    private const string Punctuation = "\"\\/'<>&%{}[]:;,.*?~^()|!`=+-#@$";

    /// <summary>
    /// Text from every range that trips parsers: control characters, bidi controls, CJK, emoji, Latin-1, JSON and query
    /// punctuation.
    /// </summary>
    private static string RandomText(Random random)
    {
        var length = random.Next(4) switch { 0 => 0, 1 => random.Next(1, 8), 2 => random.Next(8, 200), _ => random.Next(200, 5000) };
        var text = new StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(8) switch
            {
                0 => ((char)random.Next(0, 0x20)).ToString(),
                1 => Bidi[random.Next(Bidi.Length)].ToString(),
                2 => ((char)random.Next(0x4E00, 0x9FFF)).ToString(),
                3 => char.ConvertFromUtf32(random.Next(0x1F300, 0x1FAFF)),
                4 => ((char)random.Next(0x80, 0x100)).ToString(),
                5 => Punctuation[random.Next(Punctuation.Length)].ToString(),
                _ => ((char)random.Next(0x20, 0x7F)).ToString(),
            });
        }
        return text.ToString();
    }

    // ---------------------------------------------------------------- assembling

    private static FuzzRequest RandomValues(SeedRequest seed, List<Slot> slots, string what, int caseSeed)
    {
        var r = new Random(caseSeed);
        var body = seed.Json!.DeepClone();
        var changed = new List<string>();
        for (var k = 0; k < 1 + r.Next(3); k++)
        {
            var slot = slots[r.Next(slots.Count)];
            if (Set(body, slot.Path, RandomValue(r, 0))) changed.Add(slot.Label);
        }
        return Build(seed, $"{what}: {string.Join(", ", changed)}", body: Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private static FuzzRequest RandomQueryValue(SeedRequest seed, List<string> queries, string what, int caseSeed)
    {
        var r = new Random(caseSeed);
        var name = queries[r.Next(queries.Count)];
        return Build(seed, $"{what}: {name}", rawQuery: Query(seed, name) + "&" + name + "=" + Uri.EscapeDataString(RandomText(r)));
    }

    private static FuzzRequest Build(SeedRequest seed, string mutation, string? method = null, Credentials credentials = Credentials.RightRole,
        IReadOnlyDictionary<string, string>? rawPath = null, string? rawQuery = null, List<KeyValuePair<string, string>>? headers = null,
        byte[]? body = null, string? contentType = null, bool noContentType = false)
    {
        var path = seed.Operation.Path;
        foreach (var parameter in seed.Operation.In("path"))
        {
            var value = rawPath is not null && rawPath.TryGetValue(parameter.Name, out var raw) ? raw
                : Uri.EscapeDataString(seed.Path.GetValueOrDefault(parameter.Name, "1"));
            path = path.Replace("{" + parameter.Name + "}", value, StringComparison.Ordinal);
        }
        var query = (rawQuery ?? Query(seed, null)).TrimStart('&');
        if (seed.Json is not null && body is null) body = Encoding.UTF8.GetBytes(seed.Json.ToJsonString());
        if (seed.Form is not null && body is null) body = FormPart.Render(seed.Form, Boundary);
        var defaultType = seed.Form is not null ? FormPart.ContentTypeFor(Boundary) : seed.Json is not null ? "application/json" : null;
        return new FuzzRequest
        {
            Operation = seed.Operation,
            Mutation = mutation,
            Method = method ?? seed.Operation.Method,
            Target = query.Length == 0 ? path : path + "?" + query,
            Credentials = credentials,
            Headers = headers ?? seed.Headers,
            Body = body,
            ContentType = noContentType ? null : contentType ?? defaultType,
        };
    }

    /// <summary>The seed's query string without <paramref name="except"/>.</summary>
    private static string Query(SeedRequest seed, string? except) =>
        string.Join('&', seed.Query.Where(q => q.Key != except).Select(q => q.Key + "=" + Uri.EscapeDataString(q.Value)));

    private static string Short(string value)
    {
        var shown = new StringBuilder();
        foreach (var c in value.Take(24))
            shown.Append(c is < ' ' or '\u007f' or '\u202E' or '\u0085' or '\u2028' or '\u2029' ? $"\\u{(int)c:X4}" : c.ToString());
        return value.Length > 24 ? $"{shown}… ({value.Length} chars)" : shown.ToString();
    }
}
