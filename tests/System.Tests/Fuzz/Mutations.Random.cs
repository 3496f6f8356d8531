using System.Text;
using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>The mutations of random cases: what the seed changes.</summary>
internal static partial class Mutations
{
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
}
