namespace PromotionEngine.Platform.Telemetry;

internal static class ManagementEndpoints
{
    /// <summary>
    /// A management endpoint: anonymous, never rate limited, not in the OpenAPI document, on the management port when
    /// there is one.
    /// </summary>
    public static TBuilder OnManagementPort<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(ManagementEndpoint.Instance).AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();

    /// <summary>Sorts requests by the port they came in on (see <see cref="ManagementPort"/>); nothing when there is no management port.</summary>
    public static IApplicationBuilder UseManagementPort(this IApplicationBuilder app, ManagementPort? port)
    {
        if (port is not null) app.Use((http, next) => port.FilterAsync(http, () => next(http)));
        return app;
    }
}
