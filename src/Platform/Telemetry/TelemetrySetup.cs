using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PromotionEngine.Platform.Telemetry;

/// <summary>
/// OpenTelemetry: the engine's own meters (PromotionEngine.*: messaging, and every module's), ASP.NET Core's and
/// the runtime's, scraped by Prometheus and/or pushed by OTLP; traces (requests, and the trace context events
/// carry) go to OTLP when a collector is configured.
/// </summary>
internal static class TelemetrySetup
{
    public static IServiceCollection AddPromotionTelemetry(this IServiceCollection services, TelemetryOptions options, ManagementPort? management)
    {
        var otlp = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? null : new Uri(options.OtlpEndpoint);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(
                resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(
                    "PromotionEngine.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.RateLimiting", "System.Runtime");
                if (options.Prometheus && management is not null) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null || options.Tracing)
        {
            // Requests, the engine's own spans (claim group commit, outbox relay, consumers), MySQL commands, Redis calls and NATS
            // publishes; docs/operations.md, "Traces". Telemetry:Tracing without OTLP is for an exporter added in code (the tests').
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource("PromotionEngine.*", "MySqlConnector", "NATS.Net").AddAspNetCoreInstrumentation().AddRedisInstrumentation();
                if (otlp is not null) tracing.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        }
        return services;
    }

    /// <summary>The Prometheus scrape, on the management port only: never on a public one.</summary>
    public static IEndpointRouteBuilder MapPromotionTelemetry(this IEndpointRouteBuilder app, TelemetryOptions options, ManagementPort? management)
    {
        if (options.Prometheus && management is not null) app.MapPrometheusScrapingEndpoint(options.MetricsPath).OnManagementPort();
        return app;
    }
}
