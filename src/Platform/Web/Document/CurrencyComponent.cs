using Microsoft.OpenApi;
using PromotionEngine.Kernel;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// The ISO-4217 codes a currency member takes (<see cref="Currency"/>) are one component, "Currency", which every currency member
/// refers to, so clients get one type and the document one list.
/// </summary>
internal static class CurrencyComponent
{
    public const string Name = "Currency";

    public static void Apply(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        schemas[Name] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = Currency.Rule,
            Enum = Currency.MinorDigits.Keys.Order(StringComparer.Ordinal).Select(c => (System.Text.Json.Nodes.JsonNode)c).ToList(),
        };
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>().ToList()) Refer(schema, document, 0);
    }

    private static void Refer(OpenApiSchema schema, OpenApiDocument document, int depth)
    {
        if (depth > 8) return;
        foreach (var (name, member) in schema.Properties?.ToList() ?? [])
        {
            if (member is not OpenApiSchema inline) continue;
            if (name == "currency" && inline.Enum is { Count: > 0 })
            {
                var reference = new OpenApiSchemaReference(Name, document);
                schema.Properties![name] = inline.Type is { } type && (type & JsonSchemaType.Null) != 0
                    ? new OpenApiSchema { OneOf = [reference, new OpenApiSchema { Type = JsonSchemaType.Null }] }
                    : reference;
            }
            else
            {
                Refer(inline, document, depth + 1);
            }
        }
        if (schema.Items is OpenApiSchema items) Refer(items, document, depth + 1);
        foreach (var choice in (schema.OneOf ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? []).OfType<OpenApiSchema>())
            Refer(choice, document, depth + 1);
    }
}
