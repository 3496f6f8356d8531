namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>The mutations of method, path, query and headers: values the routes, binders and header checks must refuse.</summary>
internal static partial class Mutations
{
    private static IEnumerable<(string, Func<FuzzRequest>)> MethodCases(SeedRequest seed)
    {
        // A method the path does not serve: one it serves is another operation, judged by that operation's description.
        if (new[] { "PUT", "DELETE", "PATCH", "POST" }.FirstOrDefault(m => !seed.MethodsOfPath.Contains(m)) is { } other)
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
}
