using System.Text.Json.Nodes;
using PromotionEngine.System.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// The deployment files as data: the Kubernetes overlays rendered by <c>scripts/k8s.sh render</c> (kubectl kustomize,
/// installed from apt when missing), the compose file with its merge keys resolved. YAML becomes JSON nodes whose
/// scalars are all strings, as the files are read by their tools.
/// </summary>
internal static class Manifests
{
    public static readonly string[] Overlays = ["single", "split"];

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>Every object of an overlay, as kubectl kustomize renders it.</summary>
    public static async Task<IReadOnlyList<JsonObject>> RenderAsync(string overlay)
    {
        var (exit, stdout, stderr) = await Scripts.RunAsync(Patience, "scripts/k8s.sh", "render", overlay);
        Assert.True(exit == 0, $"scripts/k8s.sh render {overlay} failed (exit {exit}):\n{stderr}");
        return [.. Documents(stdout).OfType<JsonObject>()];
    }

    /// <summary>Every document of a YAML text, with merge keys (<c>&lt;&lt;: *anchor</c>) resolved.</summary>
    public static IEnumerable<JsonNode?> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(new StringReader(yaml))));
        return stream.Documents.Select(d => Json(d.RootNode));
    }

    private static JsonNode? Json(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Json(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Json)]),
        YamlScalarNode { Value: { } value } => JsonValue.Create(value),
        _ => null,
    };

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) =>
        objects.Where(o => (string?)o["kind"] == kind);

    public static string Name(this JsonNode o) => (string)o["metadata"]!["name"]!;

    /// <summary>A mapping's members as strings (labels, selectors, a ConfigMap's data).</summary>
    public static Dictionary<string, string> Strings(this JsonNode? map) =>
        map is JsonObject o ? o.ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal) : [];

    /// <summary>The items of a sequence, none when it is missing.</summary>
    public static IEnumerable<JsonNode> Items(this JsonNode? list) => list is JsonArray a ? a.OfType<JsonNode>() : [];

    public static JsonNode PodSpec(this JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!;

    public static JsonNode Container(this JsonObject deployment) => Assert.Single(deployment.PodSpec()["containers"].Items());

    /// <summary>The ConfigMap's settings, then the container's own env (a literal value, or null when it comes from elsewhere).</summary>
    public static Dictionary<string, string?> Environment(this JsonObject deployment, IReadOnlyList<JsonObject> objects)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var source in deployment.Container()["envFrom"].Items())
        {
            var name = (string)source["configMapRef"]!["name"]!;
            var map = objects.OfKind("ConfigMap").SingleOrDefault(m => m.Name() == name)
                ?? throw new InvalidOperationException($"{deployment.Name()} takes its settings from the ConfigMap {name}, which the overlay lacks.");
            foreach (var (key, value) in map["data"].Strings()) environment[key] = value;
        }
        foreach (var variable in deployment.Container()["env"].Items()) environment[(string)variable["name"]!] = (string?)variable["value"];
        return environment;
    }

    /// <summary>The roles a Deployment serves: its Promotion__Roles, "all" for every module.</summary>
    public static IReadOnlyList<string> Roles(this JsonObject deployment, IReadOnlyList<JsonObject> objects)
    {
        var roles = deployment.Environment(objects).GetValueOrDefault("Promotion__Roles") ?? RoleEndpoints.All;
        return roles.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The Deployments whose pods a Service selects.</summary>
    public static IReadOnlyList<JsonObject> Selected(this JsonObject service, IReadOnlyList<JsonObject> objects)
    {
        var selector = service["spec"]!["selector"].Strings();
        Assert.True(selector.Count > 0, $"The Service {service.Name()} selects no pods.");
        return [.. objects.OfKind("Deployment").Where(d => Matches(selector, d["spec"]!["template"]!["metadata"]!["labels"].Strings()))];
    }

    public static bool Matches(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>
    /// The rule a request path goes to among (exact or prefix, path, backend) rules, as the Gateway API and ingress-nginx
    /// choose: an exact match first, then the longest prefix, a prefix matching whole path segments.
    /// </summary>
    public static T? Route<T>(string path, IEnumerable<(bool Exact, string Path, T Backend)> rules) where T : class
    {
        static bool PrefixOf(string prefix, string path) =>
            prefix == "/" || path == prefix.TrimEnd('/') || path.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.Ordinal);
        var list = rules.ToList();
        return list.FirstOrDefault(r => r.Exact && r.Path == path).Backend
            ?? list.Where(r => !r.Exact && PrefixOf(r.Path, path)).OrderByDescending(r => r.Path.TrimEnd('/').Length).FirstOrDefault().Backend;
    }
}
