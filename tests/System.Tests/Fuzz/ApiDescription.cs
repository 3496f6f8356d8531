using System.Text.Json.Nodes;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>What a JSON schema says a value is, reduced to what the fuzzer needs (the first non-null type of a type list wins).</summary>
internal enum ValueKind
{
    Any,
    Object,
    Array,
    Integer,
    Number,
    String,
    Boolean,
}

/// <summary>One schema, its <c>$ref</c>s followed and, of <c>oneOf</c>/<c>anyOf</c>/<c>allOf</c>, the first choice that is not just null.</summary>
internal sealed class Schema
{
    public static readonly Schema Unknown = new(ValueKind.Any, null, new Dictionary<string, Schema>(), new HashSet<string>(), null, []);

    private Schema(ValueKind kind, string? format, IReadOnlyDictionary<string, Schema> properties, IReadOnlySet<string> required, Schema? items,
        IReadOnlyList<JsonNode?> examples)
    {
        Kind = kind;
        Format = format;
        Properties = properties;
        Required = required;
        Items = items;
        Examples = examples;
    }

    public ValueKind Kind { get; }
    public string? Format { get; }
    public IReadOnlyDictionary<string, Schema> Properties { get; }
    public IReadOnlySet<string> Required { get; }
    public Schema? Items { get; }

    /// <summary><c>enum</c>, <c>example</c>/<c>examples</c> and <c>default</c> values, when the document gives any.</summary>
    public IReadOnlyList<JsonNode?> Examples { get; }

    public bool IsDateTime => Format == "date-time";

    /// <summary>Reads a schema node of <paramref name="document"/>; <paramref name="depth"/> stops self-referencing schemas.</summary>
    public static Schema Read(JsonNode? node, JsonNode document, int depth = 0)
    {
        if (node is not JsonObject schema || depth > 12) return Unknown;
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            return Read(Follow(document, reference), document, depth + 1);
        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema[combinator] is JsonArray choices)
                return choices.Where(c => c?["type"]?.ToString() != "null").Select(c => Read(c, document, depth + 1)).FirstOrDefault() ?? Unknown;
        }

        var types = schema["type"] switch
        {
            JsonArray list => list.Select(t => t?.GetValue<string>() ?? "").ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => new List<string>(),
        };
        var format = schema["format"]?.GetValue<string>();
        var kind = types.Contains("integer") ? ValueKind.Integer
            : types.Contains("number") ? ValueKind.Number
            : types.Contains("boolean") ? ValueKind.Boolean
            : types.Contains("array") ? ValueKind.Array
            : types.Contains("object") || schema["properties"] is JsonObject ? ValueKind.Object
            : types.Contains("string") || format is not null ? ValueKind.String
            : ValueKind.Any;
        var properties = new Dictionary<string, Schema>(StringComparer.Ordinal);
        if (schema["properties"] is JsonObject props)
            foreach (var (name, value) in props) properties[name] = Read(value, document, depth + 1);
        var required = schema["required"] is JsonArray req
            ? req.Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
        var examples = new List<JsonNode?>();
        if (schema["enum"] is JsonArray values) examples.AddRange(values.Select(v => v?.DeepClone()));
        if (schema["examples"] is JsonArray many) examples.AddRange(many.Select(v => v?.DeepClone()));
        foreach (var single in new[] { "example", "default" })
            if (schema.TryGetPropertyValue(single, out var value)) examples.Add(value?.DeepClone());
        return new Schema(kind, format, properties, required, kind == ValueKind.Array ? Read(schema["items"], document, depth + 1) : null, examples);
    }

    /// <summary>The node a local <c>$ref</c> (<c>#/components/…</c>) points at.</summary>
    public static JsonNode? Follow(JsonNode document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal)) return null;
        JsonNode? node = document;
        foreach (var part in reference[2..].Split('/')) node = node?[part.Replace("~1", "/").Replace("~0", "~")];
        return node;
    }
}

/// <summary>A path, query or header parameter of an operation.</summary>
internal sealed record ApiParameter(string Name, string In, Schema Schema, bool Required);

/// <summary>One operation of the OpenAPI document: what the fuzzer may vary.</summary>
internal sealed record ApiOperation(
    string Method,
    string Path,
    string Name,
    IReadOnlyList<ApiParameter> Parameters,
    string? BodyMediaType,
    Schema? BodySchema)
{
    public IEnumerable<ApiParameter> In(string where) => Parameters.Where(p => p.In == where);

    public bool IsWrite => Method is "POST" or "PUT" or "PATCH" or "DELETE";

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>Reads the operations of the OpenAPI document the app serves.</summary>
internal static class ApiDescription
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static IReadOnlyList<ApiOperation> Operations(JsonNode document)
    {
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var shared = item?["parameters"] as JsonArray;
            foreach (var method in Methods)
            {
                if (item?[method] is not JsonObject operation) continue;
                var parameters = new List<ApiParameter>();
                foreach (var given in (shared ?? []).Concat(operation["parameters"] as JsonArray ?? []))
                {
                    var p = given?["$ref"]?.GetValue<string>() is { } reference ? Schema.Follow(document, reference) : given;
                    if (p?["name"]?.GetValue<string>() is not { } name || p["in"]?.GetValue<string>() is not { } where) continue;
                    parameters.Add(
                        new ApiParameter(
                            name, where, Schema.Read(p["schema"], document), p["required"]?.GetValue<bool>() == true || where == "path"));
                }
                string? mediaType = null;
                Schema? body = null;
                if (operation["requestBody"]?["content"] is JsonObject content && content.Count > 0)
                {
                    var (type, media) = content.FirstOrDefault(c => c.Key.Contains("json", StringComparison.Ordinal)) is { Value: not null } json
                        ? json
                        : content.First();
                    mediaType = type;
                    body = Schema.Read(media?["schema"], document);
                }
                var id = operation["operationId"]?.GetValue<string>() ?? $"{method.ToUpperInvariant()} {path}";
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, id, parameters, mediaType, body));
            }
        }
        return operations;
    }
}
