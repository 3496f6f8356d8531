using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Console;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Logging;

namespace PromotionEngine.Platform.Telemetry;

/// <summary>
/// Logs for a collector that reads stdout (Loki's promtail, Alloy, Fluent Bit): one JSON object per line from the built-in
/// JSON console formatter, with a UTC ISO-8601 timestamp, the level, the category, the message, its template and values,
/// the trace and span of the activity, and the business ids in scope (<see cref="LogScope"/>). Development keeps the simple
/// text formatter; Logging:Console:FormatterName ("json", "simple", "systemd") overrides either. docs/operations.md, "Logs".
/// </summary>
internal static class LogSetup
{
    public static ILoggingBuilder AddPromotionLogs(this ILoggingBuilder logging, IConfiguration configuration, IHostEnvironment environment)
    {
        var formatter = configuration["Logging:Console:FormatterName"] is { Length: > 0 } configured ? configured
            : environment.IsDevelopment() ? ConsoleFormatterNames.Simple : ConsoleFormatterNames.Json;
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId
            | ActivityTrackingOptions.ParentId);
        logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
            o.JsonWriterOptions = new() { Indented = false };
        });
        // AddJsonConsole names its formatter: the setting (or the environment's default) has the last word.
        logging.AddConsole(o => o.FormatterName = formatter);
        return logging;
    }

    /// <summary>
    /// Every line a request writes names the caller's id (userId of a USER, merchantId of a MERCHANT) and the ids its route
    /// carries ({orderId}, and {id} where the endpoint says which id it is, <see cref="RouteIdInLogs"/>). After authorization:
    /// only a caller the token proves is named.
    /// </summary>
    public static IApplicationBuilder UseBusinessLogScopes(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("PromotionEngine.Requests");
        return app.Use(async (http, next) =>
        {
            var ids = IdsOf(http);
            if (ids.Count == 0)
            {
                await next(http);
                return;
            }
            using (log.BeginScope(ids)) await next(http);
        });
    }

    private static LogScopeIds IdsOf(HttpContext http)
    {
        var ids = LogScope.Of();
        if (Caller.From(http.User) is { } caller)
        {
            if (caller.Role is CallerRole.User && caller.User is { } user) ids[LogScope.UserId] = user.Value;
            if (caller.Role is CallerRole.Merchant && caller.Merchant is { } merchant) ids[LogScope.MerchantId] = merchant.Value;
        }
        var route = http.GetRouteData().Values;
        if (route.TryGetValue("orderId", out var order) && order is string { Length: > 0 }) ids[LogScope.OrderId] = order;
        if (http.Features.Get<IEndpointFeature>()?.Endpoint?.Metadata.GetMetadata<RouteIdInLogs>() is { } named
            && route.TryGetValue("id", out var id) && id is not null)
        {
            ids[named.Key] = id;
        }
        return ids;
    }
}
