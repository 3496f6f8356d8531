using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Platform.Web.Document;

/// <summary>
/// Each operation as the API serves it, from the endpoint's own metadata: who may call it (the bearer scheme and the roles its
/// authorization policy lets in, or none), its parameters (ids as strings of digits, closed sets as enums), its success answers,
/// every refusal it can answer — the catalogue codes its handler declares (<see cref="DeclaredRefusals"/>) and the framework's
/// where they apply — each as the one problem schema with an example per code, and its examples (<see cref="ApiExample"/>).
/// </summary>
internal sealed class OperationDescription(ApiDocumentOptions api, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    : IOpenApiOperationTransformer
{
    public const string Scheme = "bearer";
    public const string OrderIdPattern = "^[A-Za-z0-9_.:-]{1,64}$";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("An operation is described within a document.");
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        await DescribeOwnBodyAsync(operation, context, metadata, cancellationToken);
        var roles = DescribeCallers(operation, metadata, document);
        DescribeParameters(operation, context.Description);
        DescribeAnswers(operation, metadata);
        DescribeRefusals(operation, context.Description, metadata, roles, document);
        AddExamples(operation, metadata);
    }

    /// <summary>
    /// A body the handler reads itself (a PATCH as raw JSON, a streamed multipart form) is described by the record its endpoint
    /// declares (.Accepts&lt;T&gt;), not by what the handler binds.
    /// </summary>
    private static async Task DescribeOwnBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata,
        CancellationToken ct)
    {
        var bound = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type;
        if (metadata.OfType<IAcceptsMetadata>().LastOrDefault(a => a.RequestType is not null && a.RequestType != bound)
            is not { RequestType: { } type } accepts) return;
        var schema = await context.GetOrCreateSchemaAsync(type, null, ct);
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[type.Name] = schema;
        var content = accepts.ContentTypes.ToDictionary(
            media => media, _ => new OpenApiMediaType { Schema = new OpenApiSchemaReference(type.Name, document) });
        operation.RequestBody = new OpenApiRequestBody { Required = !accepts.IsOptional, Content = content };
    }

    // ---------------------------------------------------------------- who

    /// <summary>The roles that may call the operation: empty for an anonymous one, every role for "any signed-in caller".</summary>
    private IReadOnlyList<CallerRole>? DescribeCallers(OpenApiOperation operation, IList<object> metadata, OpenApiDocument document)
    {
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement()]; // {}: no credentials needed (a token may still be sent)
            operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray());
            operation.Description = Join(operation.Description, "Anonymous: no token needed.");
            return null;
        }
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var roles = api.Policies.Where(p => policies.Contains(p.Policy)).Select(p => p.Role).Distinct().ToList();
        var any = roles.Count == 0;
        if (any) roles = [.. Enum.GetValues<CallerRole>()];
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
        operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray(roles.Select(r => (JsonNode)RoleName(r)).ToArray()));
        operation.Description = Join(operation.Description, any
            ? "Who: any signed-in caller (a bearer token of any role)."
            : $"Who: a bearer token of role {string.Join(" or ", roles.Select(RoleName))}.");
        return any ? [] : roles;
    }

    public static string RoleName(CallerRole role) => role.ToString().ToUpperInvariant();

    // ---------------------------------------------------------------- parameters

    private static void DescribeParameters(OpenApiOperation operation, ApiDescription description)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            var given = description.ParameterDescriptions.FirstOrDefault(p => p.Name == parameter.Name);
            var info = (given?.ParameterDescriptor as IParameterInfoParameterDescriptor)?.ParameterInfo;
            if (parameter.Name is null) continue;
            if (parameter.In is ParameterLocation.Path or ParameterLocation.Query && WireIds.IsNumericId(parameter.Name))
            {
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = WireIds.Pattern };
                parameter.Description ??= WireIds.Description;
                parameter.Example ??= JsonValue.Create(WireIds.Example);
            }
            else if (parameter.In == ParameterLocation.Path && parameter.Name == "orderId")
            {
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = OrderIdPattern, MinLength = 1, MaxLength = 64 };
                parameter.Description ??= "The order system's own id of the order: 1 to 64 characters of letters, digits, _ - . :";
                parameter.Example ??= JsonValue.Create("ord-20260618-000123");
            }
            else if (parameter.Schema is OpenApiSchema schema)
            {
                SchemaDescription.NumbersAreNumbers(schema);
                if (info?.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
                    schema.Enum = allowed.Values.Select(v => (JsonNode)JsonValue.Create(v?.ToString())!).ToList();
                if (info?.GetCustomAttribute<RangeAttribute>() is { } range)
                {
                    schema.Minimum = Convert.ToString(range.Minimum, CultureInfo.InvariantCulture);
                    schema.Maximum = Convert.ToString(range.Maximum, CultureInfo.InvariantCulture);
                }
            }
            if (info?.GetCustomAttribute<System.ComponentModel.DescriptionAttribute>() is { } said) parameter.Description = said.Description;
        }
    }

    // ---------------------------------------------------------------- answers

    private static void DescribeAnswers(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var answer in metadata.OfType<IProducesResponseTypeMetadata>())
        {
            if (operation.Responses?.TryGetValue(answer.StatusCode.ToString(CultureInfo.InvariantCulture), out var found) != true
                || found is not OpenApiResponse response) continue;
            if (answer.Description is { Length: > 0 } said) response.Description = said;
        }
        foreach (var file in metadata.OfType<AlsoAnswersAs>())
        {
            if (operation.Responses?.TryGetValue(file.Status.ToString(CultureInfo.InvariantCulture), out var found) != true
                || found is not OpenApiResponse response) continue;
            response.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var media in file.MediaTypes)
                response.Content[media] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        }
        foreach (var located in metadata.OfType<AnswersWithLocation>())
        {
            if (operation.Responses?.TryGetValue(located.Status.ToString(CultureInfo.InvariantCulture), out var found) != true
                || found is not OpenApiResponse response) continue;
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["Location"] = new OpenApiHeader
            {
                Description = "The path of what the answer is about (the created or accepted thing).",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
            };
        }
    }

    // ---------------------------------------------------------------- refusals

    private static void DescribeRefusals(OpenApiOperation operation, ApiDescription description, IList<object> metadata,
        IReadOnlyList<CallerRole>? roles, OpenApiDocument document)
    {
        var answers = new List<ErrorCode>();
        void Add(ErrorCode code)
        {
            if (!answers.Contains(code)) answers.Add(code);
        }

        var jsonBody = operation.RequestBody?.Content?.ContainsKey("application/json") == true;
        var typedQuery = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query && p.Type != typeof(string));
        var takesKey = metadata.OfType<AcceptsIdempotencyKey>().Any()
            || description.ParameterDescriptions.Any(p => p.Source == BindingSource.Header && p.Name == KeyedRequestsMiddleware.Header);
        var routeIds = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path && p.RouteInfo?.Constraints?.Any() == true);

        if (jsonBody || typedQuery) Add(ErrorCodes.MalformedRequest);
        if (takesKey) Add(ErrorCodes.ValidationFailed);
        foreach (var code in metadata.OfType<DeclaredRefusals>().SelectMany(d => d.Codes)) Add(code);
        if (roles is not null) Add(ErrorCodes.Unauthenticated);
        if (roles is { Count: > 0 }) Add(ErrorCodes.Forbidden);
        if (routeIds) Add(ErrorCodes.NotFound);
        if (takesKey) Add(ErrorCodes.IdempotencyKeyReused);
        if (jsonBody)
        {
            Add(ErrorCodes.RequestTooLarge); // a body over the server's request size limit (Kestrel's 30 MB)
            Add(ErrorCodes.UnsupportedMediaType);
        }
        Add(ErrorCodes.RateLimited);
        Add(ErrorCodes.InternalError);
        // The gateway in front of every role (deploy/nginx) answers these for any route it passes on; no instance does.
        Add(ErrorCodes.UpstreamUnavailable);
        Add(ErrorCodes.UpstreamTimeout);

        operation.Responses ??= [];
        foreach (var status in answers.GroupBy(a => a.Status).OrderBy(g => g.Key))
        {
            var examples = new Dictionary<string, IOpenApiExample>(StringComparer.Ordinal);
            foreach (var code in status) examples[code.Code] = ProblemSchema.ExampleReference(code, document);
            var response = new OpenApiResponse
            {
                Description = string.Join(" ", status.Select(code => $"{code.Code}: {code.Meaning}")),
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [ProblemSchema.MediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Name, document), Examples = examples },
                },
            };
            if (status.Key is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
            {
                response.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader
                    {
                        Description = "Seconds to wait before trying again.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                    },
                };
            }
            operation.Responses[status.Key.ToString(CultureInfo.InvariantCulture)] = response;
        }
    }

    // ---------------------------------------------------------------- examples

    private void AddExamples(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var example in metadata.OfType<ApiExample>())
        {
            if (example.Response is not null
                && operation.Responses?.TryGetValue(example.Status.ToString(CultureInfo.InvariantCulture), out var found) == true
                && found is OpenApiResponse { Content: { Count: > 0 } content })
            {
                var media = content.First().Value;
                media.Examples ??= new Dictionary<string, IOpenApiExample>();
                media.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = Serialize(example.Response) };
            }
            if (example.Request is not null && operation.RequestBody is OpenApiRequestBody { Content: { Count: > 0 } body })
            {
                var media = body.First().Value;
                media.Examples ??= new Dictionary<string, IOpenApiExample>();
                media.Examples[example.Name] = new OpenApiExample { Summary = example.Summary, Value = Serialize(example.Request, omitNulls: true) };
            }
            foreach (var (name, value) in example.Parameters ?? new Dictionary<string, string>())
            {
                if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == name) is { } parameter)
                {
                    var type = parameter.Schema?.Type ?? JsonSchemaType.String;
                    parameter.Example = (type & JsonSchemaType.Integer) != 0 ? JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture))
                        : (type & JsonSchemaType.Boolean) != 0 ? JsonValue.Create(bool.Parse(value))
                        : JsonValue.Create(value);
                }
            }
        }
    }

    /// <summary>As the API writes it; a request's members left out rather than sent as null (omitNulls), as a client would.</summary>
    private JsonNode? Serialize(object value, bool omitNulls = false) => value is JsonNode node ? node.DeepClone()
        : JsonSerializer.SerializeToNode(value, value.GetType(), omitNulls ? _requestOptions.Value : json.Value.SerializerOptions);

    private readonly Lazy<JsonSerializerOptions> _requestOptions = new(() =>
        new JsonSerializerOptions(json.Value.SerializerOptions)
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        });

    private static string Join(string? first, string then) => string.IsNullOrWhiteSpace(first) ? then : first.TrimEnd() + "\n\n" + then;
}
