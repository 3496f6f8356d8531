using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// Examples are the Contracts records serialized as the API writes them. A request record holds its ids as numbers (the API
/// reads either), while the document describes them as strings: each example is walked with its schema, and a number
/// where the schema has only a string becomes that string, so examples and schemas agree.
/// </summary>
internal static class ExampleValues
{
    public static JsonNode? Conform(JsonNode? value, IOpenApiSchema? schema, OpenApiDocument document, int depth = 0)
    {
        if (value is null || Resolve(schema, document) is not { } s || depth > 16) return value;
        switch (value)
        {
            case JsonObject obj when s.Properties is { } properties:
                foreach (var name in obj.Select(p => p.Key).ToList())
                    if (properties.TryGetValue(name, out var member)) obj[name] = Conform(obj[name]?.DeepClone(), member, document, depth + 1);
                return obj;
            case JsonArray array when s.Items is { } items:
                for (var i = 0; i < array.Count; i++) array[i] = Conform(array[i]?.DeepClone(), items, document, depth + 1);
                return array;
            case JsonValue number when number.GetValueKind() == JsonValueKind.Number && s.Type is { } type
                && (type & JsonSchemaType.String) != 0 && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) == 0:
                return JsonValue.Create(number.GetValue<decimal>().ToString(CultureInfo.InvariantCulture));
            default:
                return value;
        }
    }

    /// <summary>The schema a reference points at (or the first non-null choice of a oneOf/anyOf); the schema itself otherwise.</summary>
    private static IOpenApiSchema? Resolve(IOpenApiSchema? schema, OpenApiDocument document) => schema switch
    {
        OpenApiSchemaReference reference => reference.Reference.Id is { } id && document.Components?.Schemas?.TryGetValue(id, out var target) == true
            ? Resolve(target, document)
            : null,
        { OneOf: { Count: > 0 } choices } => Resolve(choices.FirstOrDefault(c => c.Type != JsonSchemaType.Null), document),
        { AnyOf: { Count: > 0 } choices } => Resolve(choices.FirstOrDefault(c => c.Type != JsonSchemaType.Null), document),
        _ => schema,
    };
}
