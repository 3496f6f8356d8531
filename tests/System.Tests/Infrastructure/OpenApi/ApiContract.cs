using System.Text;
using System.Text.Json;
using Json.Schema;

namespace PromotionEngine.System.Tests.Infrastructure.OpenApi;

/// <summary>One answer as the client received it.</summary>
public sealed record Answer(string Method, string Path, int Status, string? MediaType, byte[] Body);

/// <summary>
/// What the document says of one answer: the operation it belongs to (method and path template, as the document writes
/// them) and, when it breaks the document, the kind of violation (stable, for counting) and what exactly is wrong.
/// </summary>
public sealed record Verdict(string Operation, int Status, string? Kind = null, string? Detail = null)
{
    public bool Conforms => Kind is null;
}

/// <summary>
/// The OpenAPI document as the judge of answers: it finds the operation by method and path template, then checks that the
/// status is declared (exactly, as a range like 4XX, or by <c>default</c>), that the content type is one the status
/// declares, and that the body matches that content's schema. OpenAPI 3.1 schemas are JSON Schema 2020-12: JsonSchema.Net
/// evaluates them, with every <c>$ref</c> resolved inside the document and the formats it knows (date-time, uuid, uri…)
/// checked, not just noted.
/// </summary>
public sealed class ApiContract
{
    /// <summary>The document's name for JsonSchema.Net: refs like <c>#/components/schemas/X</c> resolve against it.</summary>
    private static readonly Uri DocumentUri = new("https://promotion-engine.invalid/openapi/v1.json");

    private static readonly Lazy<ApiContract> CommittedDocument = new(() => Load(Repository.PathOf("docs", "openapi", "v1.json")));

    private static readonly EvaluationOptions Flag = new() { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
    private static readonly EvaluationOptions List = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private const int ErrorsShown = 5;

    private readonly JsonDocument _document;
    private readonly List<PathTemplate> _paths;
    private readonly SchemaRegistry _registry = new();
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly Lock _building = new();

    public ApiContract(string json)
    {
        _document = JsonDocument.Parse(json);
        var root = _document.RootElement;
        _registry.Register(new JsonElementBaseDocument(root, DocumentUri));
        _paths = root.TryGetProperty("paths", out var paths)
            ? paths.EnumerateObject().Select(p => new PathTemplate(p.Name)).ToList()
            : [];
    }

    /// <summary>The committed document, docs/openapi/v1.json, which the CommittedDocument test keeps equal to the served one.</summary>
    public static ApiContract Committed => CommittedDocument.Value;

    public static ApiContract Load(string file) => File.Exists(file)
        ? new ApiContract(File.ReadAllText(file))
        : throw new InvalidOperationException($"No OpenAPI document at {file}: write it with `scripts/openapi.sh update`.");

    public Verdict Judge(Answer answer)
    {
        var template = Match(answer.Path);
        if (template is null)
        {
            // A path the document does not have: only "no such resource" agrees with it.
            return answer.Status == 404
                ? new Verdict("(no documented path)", 404)
                : new Verdict("(no documented path)", answer.Status, "undocumented path",
                    $"{answer.Path} matches no path of the document, and the answer is not 404");
        }

        var method = answer.Method.ToLowerInvariant();
        var operationName = $"{answer.Method.ToUpperInvariant()} {template.Text}";
        var pathItem = _document.RootElement.GetProperty("paths").GetProperty(template.Text);
        if (!pathItem.TryGetProperty(method, out var operation))
        {
            // A method the path does not have: only "method not allowed" agrees with it.
            return answer.Status == 405
                ? new Verdict(operationName, 405)
                : new Verdict(operationName, answer.Status, "undocumented method",
                    $"the document has no {answer.Method.ToUpperInvariant()} on {template.Text}, and the answer is not 405");
        }

        List<string> location = ["paths", template.Text, method, "responses"];
        if (!operation.TryGetProperty("responses", out var responses) || ResponseFor(responses, answer.Status) is not { } declared)
        {
            var listed = operation.TryGetProperty("responses", out var r) ? string.Join(", ", r.EnumerateObject().Select(p => p.Name)) : "none";
            return new Verdict(operationName, answer.Status, "undocumented status", $"the operation declares {listed}");
        }
        location.Add(declared.Name);
        var (response, responseLocation) = Follow(declared.Value, location);
        return JudgeContent(operationName, answer, response, responseLocation);
    }

    private Verdict JudgeContent(string operation, Answer answer, JsonElement response, List<string> location)
    {
        var hasBody = answer.Body.Length > 0;
        var contents = response.TryGetProperty("content", out var content) ? content.EnumerateObject().ToList() : [];
        if (contents.Count == 0)
        {
            return hasBody
                ? new Verdict(operation, answer.Status, "undocumented body",
                    $"the document declares no content for {answer.Status}, " +
                    $"the answer is {answer.MediaType ?? "untyped"} ({answer.Body.Length} bytes)")
                : new Verdict(operation, answer.Status);
        }
        var declared = string.Join(", ", contents.Select(c => c.Name));
        if (!hasBody)
            return new Verdict(operation, answer.Status, "no body", $"the document declares {declared} for {answer.Status}, the answer is empty");

        var mediaType = answer.MediaType?.ToLowerInvariant();
        var match = mediaType is null ? null : MediaTypeFor(contents, mediaType);
        if (match is not { } media)
        {
            return new Verdict(operation, answer.Status, "undocumented content type",
                $"{mediaType ?? "no content type"}, the document declares {declared}");
        }
        if (!IsJson(mediaType!) || !media.Value.TryGetProperty("schema", out _)) return new Verdict(operation, answer.Status);

        JsonDocument body;
        try
        {
            body = JsonDocument.Parse(answer.Body);
        }
        catch (JsonException e)
        {
            return new Verdict(operation, answer.Status, "body not JSON", $"{mediaType}: {e.Message}");
        }
        using (body)
        {
            var schema = SchemaAt([.. location, "content", media.Name, "schema"]);
            if (schema.Evaluate(body.RootElement, Flag).IsValid) return new Verdict(operation, answer.Status);
            return new Verdict(operation, answer.Status, "schema", $"{mediaType}: {Errors(schema.Evaluate(body.RootElement, List))}");
        }
    }

    /// <summary>The declared response for a status: the exact code, else its range (4XX), else default.</summary>
    private static JsonProperty? ResponseFor(JsonElement responses, int status)
    {
        var declared = responses.EnumerateObject().ToList();
        var code = status.ToString(global::System.Globalization.CultureInfo.InvariantCulture);
        return declared.Where(r => r.Name == code).Cast<JsonProperty?>().FirstOrDefault()
            ?? declared.Where(r => r.Name.Equals($"{code[0]}XX", StringComparison.OrdinalIgnoreCase)).Cast<JsonProperty?>().FirstOrDefault()
            ?? declared.Where(r => r.Name == "default").Cast<JsonProperty?>().FirstOrDefault();
    }

    /// <summary>The content entry for a media type: the exact type, else <c>type/*</c>, else <c>*/*</c> (parameters ignored).</summary>
    private static JsonProperty? MediaTypeFor(List<JsonProperty> contents, string mediaType)
    {
        static string Bare(string name) => name.Split(';')[0].Trim().ToLowerInvariant();
        var range = mediaType.Split('/')[0] + "/*";
        return contents.Where(c => Bare(c.Name) == mediaType).Cast<JsonProperty?>().FirstOrDefault()
            ?? contents.Where(c => Bare(c.Name) == range).Cast<JsonProperty?>().FirstOrDefault()
            ?? contents.Where(c => Bare(c.Name) == "*/*").Cast<JsonProperty?>().FirstOrDefault();
    }

    private static bool IsJson(string mediaType) => mediaType == "application/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);

    /// <summary>A response given as <c>$ref</c> (to <c>#/components/responses/…</c>) is followed; returns it and where it is.</summary>
    private (JsonElement, List<string>) Follow(JsonElement element, List<string> location)
    {
        for (var hops = 0; element.TryGetProperty("$ref", out var reference) && hops < 16; hops++)
        {
            var pointer = reference.GetString() ?? "";
            if (!pointer.StartsWith("#/", StringComparison.Ordinal))
                throw new InvalidOperationException($"Only references inside the document are followed, not {pointer}.");
            location = pointer[2..].Split('/').Select(s => Uri.UnescapeDataString(s).Replace("~1", "/").Replace("~0", "~")).ToList();
            element = _document.RootElement;
            foreach (var step in location) element = element.GetProperty(step);
        }
        return (element, location);
    }

    /// <summary>The schema at a place in the document, built once: a <c>$ref</c> to it, resolved in the registered document.</summary>
    private JsonSchema SchemaAt(List<string> location)
    {
        var pointer = string.Concat(location.Select(s => "/" + Uri.EscapeDataString(s.Replace("~", "~0").Replace("/", "~1"))));
        lock (_building)
        {
            if (_schemas.TryGetValue(pointer, out var built)) return built;
            var reference = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["$ref"] = $"{DocumentUri}#{pointer}" });
            var options = new BuildOptions { SchemaRegistry = _registry, Dialect = Dialect.Draft202012 };
            built = JsonSchema.Build(reference, options, new Uri($"https://promotion-engine.invalid/answers/{_schemas.Count}"));
            _schemas[pointer] = built;
            return built;
        }
    }

    private static string Errors(EvaluationResults results)
    {
        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e =>
                $"at '{d.InstanceLocation}' {e.Value} ({e.Key} of {d.SchemaLocation.Fragment.TrimStart('#')})"))
            .ToList();
        if (errors.Count == 0) return "the body does not match the schema";
        var text = new StringBuilder(string.Join("; ", errors.Take(ErrorsShown)));
        if (errors.Count > ErrorsShown) text.Append($"; and {errors.Count - ErrorsShown} more");
        return text.ToString();
    }

    /// <summary>
    /// The documented path the request path falls under: literal segments equal, each <c>{name}</c> one non-empty segment. A
    /// trailing slash names the same path (ASP.NET Core's routing serves /a/b/ as /a/b).
    /// </summary>
    private PathTemplate? Match(string path)
    {
        var segments = (path.Length > 1 ? path.TrimEnd('/') : path).Split('/');
        return _paths.Where(p => p.Matches(segments)).OrderByDescending(p => p.Literals).FirstOrDefault();
    }

    private sealed class PathTemplate(string text)
    {
        private readonly string[] _segments = text.Split('/');

        public string Text { get; } = text;

        /// <summary>Literal segments: a concrete path wins over a templated one (OpenAPI's rule).</summary>
        public int Literals => _segments.Count(s => !IsParameter(s));

        public bool Matches(string[] segments) =>
            segments.Length == _segments.Length
            && _segments.Zip(segments).All(pair => IsParameter(pair.First)
                ? pair.Second.Length > 0
                : pair.First.Equals(Uri.UnescapeDataString(pair.Second), StringComparison.Ordinal));

        private static bool IsParameter(string segment) => segment.StartsWith('{') && segment.EndsWith('}');
    }
}
