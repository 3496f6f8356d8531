using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PromotionEngine.Host.Telemetry;

/// <summary>Settings of metrics and traces (section "Telemetry").</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve the metrics for a Prometheus scrape at <see cref="MetricsPath"/> (anonymous: keep it behind the gateway).</summary>
    public bool Prometheus { get; set; } = true;

    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>An OpenTelemetry collector (OTLP, e.g. http://otel-collector:4317): metrics and traces are pushed there when set.</summary>
    public string? OtlpEndpoint { get; set; }

    public string ServiceName { get; set; } = "promotion-engine";
}

/// <summary>
/// OpenTelemetry: the engine's own meters (PromotionEngine.*: messaging, and every module's), ASP.NET Core's and
/// the runtime's, scraped by Prometheus and/or pushed by OTLP; traces (requests, and the trace context events
/// carry) go to OTLP when a collector is configured.
/// </summary>
internal static class TelemetrySetup
{
    public static IServiceCollection AddPromotionTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var otlp = string.IsNullOrWhiteSpace(options.OtlpEndpoint) ? null : new Uri(options.OtlpEndpoint);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("PromotionEngine.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime");
                if (options.Prometheus) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing.AddSource("PromotionEngine.*").AddAspNetCoreInstrumentation().AddOtlpExporter(o => o.Endpoint = otlp));
        }
        return services;
    }

    public static IEndpointRouteBuilder MapPromotionTelemetry(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (options.Prometheus) app.MapPrometheusScrapingEndpoint(options.MetricsPath).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
