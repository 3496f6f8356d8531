using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Platform.Web;

/// <summary>The OpenAPI document says which operations take the Idempotency-Key header with the common rules.</summary>
internal sealed class KeyedRequestsDocumentation : Microsoft.AspNetCore.OpenApi.IOpenApiOperationTransformer
{
    public Task TransformAsync(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AcceptsIdempotencyKey>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = KeyedRequestsMiddleware.Header,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Required = false,
                Description = "Optional. The same key and request get the first answer again; " +
                    "another request under the key 409 IDEMPOTENCY_KEY_REUSED.",
                Schema = new Microsoft.OpenApi.OpenApiSchema
                {
                    Type = Microsoft.OpenApi.JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKey.MaxLength,
                },
            });
        }
        return Task.CompletedTask;
    }
}
