using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>The mutations of JSON bodies: every member of the seed body, walked with its schema, given wrong types and boundaries; broken JSON text.</summary>
internal static partial class Mutations
{
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
}
