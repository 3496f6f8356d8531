namespace PromotionEngine.Platform.Telemetry;

/// <summary>Settings of metrics and traces (section "Telemetry").</summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// Serve the metrics for a Prometheus scrape at <see cref="MetricsPath"/> on the management port (needs
    /// <see cref="ManagementUrl"/>).
    /// </summary>
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

    /// <summary>Record traces even without <see cref="OtlpEndpoint"/> (for an exporter added in code); with OTLP they always are.</summary>
    public bool Tracing { get; set; }

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
