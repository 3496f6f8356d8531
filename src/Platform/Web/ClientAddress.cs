using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.HttpOverrides;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Which client a request comes from, behind a gateway: X-Forwarded-For is believed only from the proxies and
/// networks configured (section "ForwardedHeaders"; none by default, so a client cannot pick its own address).
/// </summary>
internal static class ClientAddress
{
    public const string Section = "ForwardedHeaders";

    public static IApplicationBuilder UseForwardedClientAddress(this IApplicationBuilder app, IConfiguration configuration)
    {
        var proxies = Values(configuration, "KnownProxies");
        var networks = Values(configuration, "KnownNetworks");
        if (proxies.Length == 0 && networks.Length == 0) return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        options.KnownProxies.Clear(); // the defaults trust loopback
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                : throw new SettingsException($"{Section}:KnownProxies: '{proxy}' is not an IP address."));
        foreach (var network in networks)
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed) ? parsed
                : throw new SettingsException($"{Section}:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."));
        return app.UseForwardedHeaders(options);
    }

    /// <summary>A list setting: an array (KnownProxies:0, KnownProxies:1) or one value separated by commas or semicolons.</summary>
    private static string[] Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(Section).GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return values.SelectMany(v => (v ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
    }

    /// <summary>The client's address as a limit key: IPv4 as is, IPv6 by its /64 (one host usually holds a whole /64).</summary>
    public static string KeyOf(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
