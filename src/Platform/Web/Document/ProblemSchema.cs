using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using PromotionEngine.Kernel;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// The one problem+json schema of the document (component "Problem"), made of Kernel's <see cref="ProblemMembers"/>, and the
/// example problem of each catalogue code (<see cref="ErrorCodes"/>): its standard members, then the code's own.
/// </summary>
internal static class ProblemSchema
{
    public const string Name = "Problem";
    public const string MediaType = "application/problem+json";

    /// <summary>A trace id as the API writes one (W3C traceparent).</summary>
    private const string TraceId = "00-82b9f6c699c3d927ceadcb6c92faf213-5f3e2c610a16a9e4-00";

    public static OpenApiSchema Create(OpenApiDocument document)
    {
        var properties = new JsonObject();
        foreach (var member in ProblemMembers.All)
        {
            var schema = JsonNode.Parse(member.Schema)!.AsObject();
            schema["description"] = member.Description;
            properties[member.Name] = schema;
        }
        var json = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "RFC 9457 problem details, as every refusal of this API is answered: branch on code (docs/errors.md), "
                + "show detail to people. Members other than the standard ones come with the codes that name them.",
            ["required"] = new JsonArray("type", "title", "status", "code"),
            ["properties"] = properties,
        };
        var schemaOf = OpenApiModelFactory.Parse<OpenApiSchema>(
            json.ToJsonString(), OpenApiSpecVersion.OpenApi3_1, document, out var diagnostic, "json");
        if (schemaOf is null || diagnostic?.Errors.Count > 0)
            throw new InvalidOperationException("The problem schema does not parse: " + string.Join("; ", diagnostic?.Errors ?? []));
        return schemaOf;
    }

    /// <summary>
    /// The example problem of <paramref name="code"/> as a component (examples "CODE"), made once per document, and a reference to it.
    /// </summary>
    public static OpenApiExampleReference ExampleReference(ErrorCode code, OpenApiDocument document)
    {
        var name = code.Code;
        document.Components ??= new OpenApiComponents();
        document.Components.Examples ??= new Dictionary<string, IOpenApiExample>();
        if (!document.Components.Examples.ContainsKey(name))
            document.Components.Examples[name] = new OpenApiExample { Summary = code.Code, Value = Example(code) };
        return new OpenApiExampleReference(name, document);
    }

    /// <summary>The example problem of <paramref name="code"/>, at its status.</summary>
    public static JsonObject Example(ErrorCode code)
    {
        var example = new JsonObject
        {
            ["type"] = code.Type,
            ["title"] = code.Code,
            ["status"] = code.Status,
            ["detail"] = code.Meaning,
            ["code"] = code.Code,
        };
        if (code.Example is not null)
            foreach (var (name, value) in JsonNode.Parse(code.Example)!.AsObject()) example[name] = value?.DeepClone();
        // The gateway's own answers name the request by its X-Request-Id; no instance saw them, so they have no trace id.
        if (!example.ContainsKey("requestId")) example["traceId"] = TraceId;
        return example;
    }
}
