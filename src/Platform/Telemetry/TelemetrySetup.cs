using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PromotionEngine.Platform.Telemetry;

/// <summary>Settings of metrics and traces (section "Telemetry").</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Serve the metrics for a Prometheus scrape at <see cref="MetricsPath"/> on the management port (needs <see cref="ManagementUrl"/>).</summary>
    public bool Prometheus { get; set; } = true;

    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// A second URL Kestrel listens on (e.g. http://0.0.0.0:9464) for metrics and health only, which then answer
    /// nowhere else. Unset: health on the public port, metrics not served over HTTP.
    /// </summary>
    public string? ManagementUrl { get; set; }

    /// <summary>An OpenTelemetry collector (OTLP, e.g. http://otel-collector:4317): metrics and traces are pushed there when set.</summary>
    public string? OtlpEndpoint { get; set; }

    public string ServiceName { get; set; } = "promotion-engine";

    /// <summary>The section as configured; a misspelt key or a value of the wrong type is refused.</summary>
    public static TelemetryOptions Read(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(Section).Get<TelemetryOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new TelemetryOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"The {Section} settings cannot be read: {e.Message}");
        }
    }
}

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
            .ConfigureResource(resource => resource.AddService(options.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter("PromotionEngine.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting", "System.Runtime");
                if (options.Prometheus && management is not null) metrics.AddPrometheusExporter();
                if (otlp is not null) metrics.AddOtlpExporter(o => o.Endpoint = otlp);
            });
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing.AddSource("PromotionEngine.*").AddAspNetCoreInstrumentation().AddOtlpExporter(o => o.Endpoint = otlp));
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
