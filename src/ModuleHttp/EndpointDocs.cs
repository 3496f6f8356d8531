using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.ModuleHttp;

/// <summary>
/// What an endpoint says of itself in the OpenAPI document, next to where it is mapped: its answers with their bodies, the
/// catalogue codes its handler refuses with, and realistic examples. The Host turns these into the document
/// (docs/architecture.md, "The OpenAPI document").
/// </summary>
internal static class EndpointDocs
{
    /// <summary>A success answer of <paramref name="status"/> with a <typeparamref name="T"/> body, and when it is given.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder endpoint, int status, string description,
        string contentType = "application/json") =>
        endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(T), [contentType]) { Description = description });

    /// <summary>A success answer of <paramref name="status"/> without a body (204).</summary>
    public static RouteHandlerBuilder AnswersEmpty(this RouteHandlerBuilder endpoint, int status, string description) =>
        endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(void), []) { Description = description });

    /// <summary>The <paramref name="status"/> answer carries a Location header.</summary>
    public static RouteHandlerBuilder WithLocation(this RouteHandlerBuilder endpoint, int status) =>
        endpoint.WithMetadata(new AnswersWithLocation(status));

    /// <summary>The catalogue codes this endpoint's handler can refuse with (the framework's own are added by the Host).</summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder endpoint, params ErrorCode[] codes) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new DeclaredRefusals(codes));

    /// <summary>The endpoint reads the Idempotency-Key header itself and refuses a request without one.</summary>
    public static RouteHandlerBuilder RequiresIdempotencyKey(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(Kernel.Requests.RequiresIdempotencyKey.Instance);

    /// <summary>A realistic exchange (request and answer records as Contracts writes them).</summary>
    public static RouteHandlerBuilder Example(this RouteHandlerBuilder endpoint, ApiExample example) => endpoint.WithMetadata(example);
}
