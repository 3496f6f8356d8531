using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// The OpenAPI document says which operations take the Idempotency-Key header, with its form and rules: those the Host's keyed
/// requests serve (<see cref="AcceptsIdempotencyKey"/>) and those that read it themselves (a header parameter of that name:
/// create template, add stock, claim, create distribution task); required where the endpoint refuses a request without one
/// (<see cref="RequiresIdempotencyKey"/>: claims).
/// </summary>
internal sealed class KeyedRequestsDocumentation : IOpenApiOperationTransformer
{
    public const string Pattern = "^[!-~]{1,100}$";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var own = operation.Parameters?.OfType<OpenApiParameter>()
            .FirstOrDefault(p => p.In == ParameterLocation.Header && p.Name == KeyedRequestsMiddleware.Header);
        if (own is null && !metadata.OfType<AcceptsIdempotencyKey>().Any()) return Task.CompletedTask;

        var required = metadata.OfType<RequiresIdempotencyKey>().Any();
        var parameter = own ?? new OpenApiParameter { Name = KeyedRequestsMiddleware.Header, In = ParameterLocation.Header };
        parameter.Required = required;
        parameter.Description = (required ? "Required" : "Optional")
            + $": 1 to {IdempotencyKey.MaxLength} printable ASCII characters of the caller's choosing, sent once. The same key with the same "
            + "request gets the first answer again (a retry is safe); the key with another request is 409 IDEMPOTENCY_KEY_REUSED."
            + (required ? " A claim without one is refused: a retry must never claim twice." : "");
        parameter.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            MinLength = 1,
            MaxLength = IdempotencyKey.MaxLength,
            Pattern = Pattern,
        };
        parameter.Example = JsonValue.Create("6f1c2a9e-0b7d-4d3a-9a51-3f0e8c7b2d14");
        if (own is null)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(parameter);
        }
        return Task.CompletedTask;
    }
}
