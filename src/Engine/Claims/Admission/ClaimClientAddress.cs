using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// The caller's address as the per-address claim limit's key, as the framework's rate limits key it: IPv4 as is, IPv6 by its /64
/// (one host usually holds a whole /64). The address is the connection's, or the client's as forwarded by a known proxy (the
/// host's ForwardedHeaders settings rewrite it before any endpoint runs).
/// </summary>
internal static class ClaimClientAddress
{
    public static string? KeyOf(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
