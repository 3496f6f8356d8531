using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Kernel;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// The body schemas as the API reads and writes them:
/// <list type="bullet">
/// <item>numbers are numbers (the API also reads a number written as a string, but describes only the number);</item>
/// <item>ids are strings of digits (<see cref="WireIds"/>), except in the order events' payloads, whose contract has JSON numbers;</item>
/// <item>a request record (Contracts, named *Request or *Form) requires exactly its members marked [Required], which are never
/// null, and its other members may be left out or sent as null, unless marked [NotNullWhenSent];</item>
/// <item>closed sets are enums: [AllowedValues] on the member, and every currency is an ISO-4217 code of <see cref="Currency"/>.</item>
/// </list>
/// An answer requires every member (the API writes them all, null or not), null only where the record's member is nullable.
/// </summary>
internal sealed class SchemaDescription : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        NumbersAreNumbers(schema);
        if (context.JsonPropertyInfo is { } member)
        {
            DescribeMember(schema, member);
        }
        else if (context.JsonTypeInfo.Type == typeof(JsonElement))
        {
            // Where the API takes or gives raw JSON (a PATCH body, an audit entry's before and after, a dead letter's envelope,
            // an order event's payload), it is an object.
            schema.Type = JsonSchemaType.Object;
            schema.Description ??= "A JSON object.";
        }
        else if (IsRequest(context.JsonTypeInfo.Type))
        {
            schema.Required = RequiredMembers(context.JsonTypeInfo);
        }
        else if (context.JsonTypeInfo is { Kind: JsonTypeInfoKind.Object, Properties.Count: > 0 } answer && !IsEvent(answer.Type))
        {
            // An answer writes every member, null or not (a member with a default value too).
            schema.Required = context.JsonTypeInfo.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        }
        return Task.CompletedTask;
    }

    /// <summary>The request records: the bodies (and forms) clients send, whose optional members the document must tell.</summary>
    public static bool IsRequest(Type type) =>
        type.Namespace?.StartsWith("PromotionEngine.Contracts.Http", StringComparison.Ordinal) == true
        && (type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Form", StringComparison.Ordinal));

    /// <summary>The integration events' contract (an ingested order event's payload): JSON numbers for ids, every member given.</summary>
    private static bool IsEvent(Type type) => type.Namespace?.StartsWith("PromotionEngine.Contracts.Events", StringComparison.Ordinal) == true;

    /// <summary>A number the API also reads from a string is described as the number alone (no integer|string union, no digit pattern).</summary>
    public static void NumbersAreNumbers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (type & JsonSchemaType.String) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (schema.Items is OpenApiSchema items) NumbersAreNumbers(items);
    }

    private static HashSet<string> RequiredMembers(JsonTypeInfo type) =>
        type.Properties.Where(p => Attribute<RequiredAttribute>(p) is not null).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

    private static void DescribeMember(OpenApiSchema schema, JsonPropertyInfo member)
    {
        var clr = Nullable.GetUnderlyingType(member.PropertyType) ?? member.PropertyType;
        var element = clr != typeof(string) && clr.IsAssignableTo(typeof(System.Collections.IEnumerable))
            ? clr.GetInterfaces().Append(clr).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0]
            : null;
        var inEvent = IsEvent(member.DeclaringType);

        if (!inEvent && WireIds.IsNumericId(member.Name))
        {
            if (clr == typeof(long) || clr == typeof(string)) MakeId(schema);
            else if ((element == typeof(long) || element == typeof(string)) && schema.Items is OpenApiSchema items) MakeId(items);
            else if (element == typeof(long)) schema.Items = Id();
        }
        // A time (its converter keeps the generator from knowing) is an ISO-8601 string with an offset.
        if (clr == typeof(DateTimeOffset) && schema.Type is null)
        {
            schema.Type = JsonSchemaType.String | (Nullable.GetUnderlyingType(member.PropertyType) is null ? 0 : JsonSchemaType.Null);
            schema.Format = "date-time";
        }

        var allowed = Attribute<AllowedValuesAttribute>(member)?.Values.Select(v => (JsonNode?)JsonValue.Create(v?.ToString())).ToList();
        if (allowed is null && member.Name == "currency" && clr == typeof(string))
            allowed = Currency.MinorDigits.Keys.Order(StringComparer.Ordinal).Select(c => (JsonNode?)JsonValue.Create(c)).ToList();
        if (allowed is not null)
        {
            var target = element is not null && schema.Items is OpenApiSchema values ? values : schema;
            target.Enum = allowed.Select(v => v!).ToList();
        }

        if (IsRequest(member.DeclaringType) && schema.Type is { } type)
        {
            // Required members, and optional ones that may be left out but not sent as null, are never null.
            var notNull = Attribute<RequiredAttribute>(member) is not null || Attribute<NotNullWhenSentAttribute>(member) is not null;
            schema.Type = notNull ? type & ~JsonSchemaType.Null : type | JsonSchemaType.Null;
        }
        // A nullable member whose values are an enum: null is one of them.
        if (schema.Enum is { Count: > 0 } closed && schema.Type is { } nullable && (nullable & JsonSchemaType.Null) != 0
            && closed.All(v => v is not null)) schema.Enum.Add(JsonNullSentinel.JsonNull);
    }

    private static void MakeId(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.String | (schema.Type is { } t ? t & JsonSchemaType.Null : 0);
        schema.Format = null;
        schema.Pattern = WireIds.Pattern;
        schema.Description ??= WireIds.Description;
    }

    private static OpenApiSchema Id() => new() { Type = JsonSchemaType.String, Pattern = WireIds.Pattern };

    private static T? Attribute<T>(JsonPropertyInfo member) where T : Attribute =>
        member.AttributeProvider?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault()
        ?? (member.AttributeProvider as PropertyInfo)?.GetCustomAttribute<T>();
}
