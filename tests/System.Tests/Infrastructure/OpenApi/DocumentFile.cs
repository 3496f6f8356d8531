using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Infrastructure.OpenApi;

/// <summary>
/// docs/openapi/v1.json as written from the served /openapi/v1.json: the same document in bytes that are the same run to
/// run, so a difference is always a change of the API. The served order of members is kept (it follows the order the
/// endpoints are mapped in, which is fixed); the text is re-indented with two spaces, LF line ends, a final newline and
/// non-ASCII (Chinese examples) as is; a <c>servers</c> entry that only echoes the address the document was fetched from
/// (the request's Host header) is dropped, since it names the test server, not the API.
/// </summary>
public static class DocumentFile
{
    public static readonly string Path = Repository.PathOf("docs", "openapi", "v1.json");

    private static readonly JsonSerializerOptions Writing = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file, not HTML: keep 满减 readable
    };

    /// <summary>The text to commit for the document served at <paramref name="fetchedFrom"/>.</summary>
    public static string From(string served, Uri fetchedFrom)
    {
        var document = JsonNode.Parse(served)?.AsObject() ?? throw new InvalidOperationException("The served document is not a JSON object.");
        if (document["servers"] is JsonArray servers)
        {
            var echoed = servers.Where(s => s?["url"]?.GetValue<string>() is { } url && SameOrigin(url, fetchedFrom)).ToList();
            foreach (var server in echoed) servers.Remove(server);
            if (servers.Count == 0) document.Remove("servers");
        }
        return document.ToJsonString(Writing) + "\n";
    }

    private static bool SameOrigin(string url, Uri fetchedFrom) =>
        Uri.TryCreate(url, UriKind.Absolute, out var server)
        && Uri.Compare(server, fetchedFrom, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>Where two texts first differ, as "line N: committed … / served …", for a failure message.</summary>
    public static string FirstDifference(string committed, string served)
    {
        var left = committed.Split('\n');
        var right = served.Split('\n');
        for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
        {
            var a = i < left.Length ? left[i] : "(end of file)";
            var b = i < right.Length ? right[i] : "(end of file)";
            if (a != b) return $"line {i + 1}: committed {a.Trim()} / served {b.Trim()}";
        }
        return "no difference";
    }
}
