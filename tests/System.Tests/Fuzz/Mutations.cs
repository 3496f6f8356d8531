using System.Text;
using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>
/// The request an operation would accept, as far as the fuzzer can build one: path, query and header values, and a JSON
/// body (from the request schema, with values the test knows to be meaningful) or multipart parts.
/// </summary>
internal sealed class SeedRequest
{
    public required ApiOperation Operation { get; init; }

    /// <summary>Every method the document serves on the operation's path (another method there is another operation).</summary>
    public required IReadOnlySet<string> MethodsOfPath { get; init; }
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
internal static partial class Mutations
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

    // ---------------------------------------------------------------- assembling

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
