namespace PromotionEngine.Platform.Telemetry;

/// <summary>
/// Metrics and health on a port of their own (<c>Telemetry:ManagementUrl</c>): Kestrel listens there as well as on
/// the public URLs, and a request is routed to a management endpoint only when it arrived on that port, and to
/// nothing else there. The port, not the Host header (which the client writes), decides: RequireHost would let
/// <c>Host: x:9464</c> reach /metrics through the public port. Without the setting, health stays on the public
/// port and the metrics are not served over HTTP at all.
/// </summary>
internal sealed class ManagementPort
{
    private ManagementPort(int port) => Port = port;

    public int Port { get; }

    /// <summary>Adds the management URL to the ones Kestrel listens on; null when none is configured.</summary>
    public static ManagementPort? Listen(WebApplicationBuilder builder, TelemetryOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ManagementUrl)) return null;
        BindingAddress management;
        try
        {
            management = BindingAddress.Parse(options.ManagementUrl);
        }
        catch (FormatException)
        {
            throw new SettingsException($"Telemetry:ManagementUrl '{options.ManagementUrl}' is not a URL to listen on (e.g. http://0.0.0.0:9464).");
        }
        if (management.IsUnixPipe || management.Port <= 0 || management.Scheme is not ("http" or "https"))
            throw new SettingsException(
                $"Telemetry:ManagementUrl '{options.ManagementUrl}' needs http(s) and an explicit port (e.g. http://0.0.0.0:9464).");

        var publicUrls = PublicUrls(builder.Configuration);
        if (publicUrls.Any(url => BindingAddress.Parse(url) is { IsUnixPipe: false } address && address.Port == management.Port))
            throw new SettingsException(
                $"Telemetry:ManagementUrl uses port {management.Port}, which the public URLs ({string.Join(";", publicUrls)}) use too.");
        builder.WebHost.UseUrls([.. publicUrls, options.ManagementUrl]);
        return new ManagementPort(management.Port);
    }

    /// <summary>What Kestrel would listen on without a management URL: urls, else http(s)_ports, else its default.</summary>
    private static string[] PublicUrls(IConfiguration configuration)
    {
        static string[] Split(string? text) => (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var urls = Split(configuration[WebHostDefaults.ServerUrlsKey]);
        if (urls.Length > 0) return urls;
        var ports = Split(configuration["http_ports"]).Select(p => $"http://*:{p}")
            .Concat(Split(configuration["https_ports"]).Select(p => $"https://*:{p}"))
            .ToArray();
        return ports.Length > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>404 for a management endpoint reached through a public port and for anything else reached through the management port.</summary>
    public Task FilterAsync(HttpContext http, Func<Task> next)
    {
        var management = http.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>() is not null;
        if (management == (http.Connection.LocalPort == Port)) return next();
        http.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
