using System.Net;
using Microsoft.AspNetCore.Http;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Tests.Web;

/// <summary>A request is counted in the group of its path, against its caller or, without a valid token, its client address.</summary>
public sealed class SortingRequestsForRateLimits
{
    [Theory]
    [InlineData("/api/v1/claims", "Claims")]
    [InlineData("/api/v1/me/coupons", "Wallet")]
    [InlineData("/api/v1/me/reminders/7", "Wallet")]
    [InlineData("/api/v1/merchant/templates", "Merchant")]
    [InlineData("/api/v1/merchant/distribution-tasks/3/pause", "Merchant")]
    [InlineData("/api/v1/orders/o-1/coupons/lock", "Service")]
    [InlineData("/api/v1/settlement/quotes", "Service")]
    [InlineData("/api/v1/operator/dead-letters", "Operator")]
    [InlineData("/api/v1/search/templates", "Search")]
    [InlineData("/api/v1/ping", "Other")]
    [InlineData("/openapi/v1.json", "Other")]
    [InlineData("/api/v1/claimsx", "Other")] // by whole segments
    public void A_path_falls_in_its_group(string path, string group) =>
        Assert.Equal(group, new RateLimitOptions().Groups()[RateLimits.GroupOf(path)].Name);

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")] // IPv4 mapped to IPv6 is the IPv4 address
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")] // one host usually holds a whole /64
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void A_client_address_is_its_limit_key(string address, string key)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);

        Assert.Equal(key, ClientAddress.KeyOf(http));
    }

    [Fact]
    public void A_request_without_an_address_shares_one_key() => Assert.Equal("unknown", ClientAddress.KeyOf(new DefaultHttpContext()));
}
