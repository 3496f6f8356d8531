using PromotionEngine.Platform.Web.Document;

namespace PromotionEngine.Platform.Tests.Web;

/// <summary>Promotion:PublicBaseUrl, the server the OpenAPI document names: an absolute http(s) URL, or unset.</summary>
public class NamingThePublicServer
{
    [Theory]
    [InlineData("https://promo.example.com", "https://promo.example.com")]
    [InlineData("https://promo.example.com/", "https://promo.example.com")]
    [InlineData("http://10.0.0.7:8080/promotion/", "http://10.0.0.7:8080/promotion")]
    public void An_absolute_http_url_is_the_server_without_its_trailing_slash(string setting, string server) =>
        Assert.Equal(server, ApiDocumentSetup.PublicBaseUrl(setting));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Unset_names_no_public_server(string? setting) => Assert.Null(ApiDocumentSetup.PublicBaseUrl(setting));

    [Theory]
    [InlineData("promo.example.com")]
    [InlineData("/api")]
    [InlineData("ftp://promo.example.com")]
    [InlineData("https://promo.example.com/?x=1")]
    [InlineData("https://promo.example.com/#top")]
    public void Anything_else_stops_the_start(string setting) =>
        Assert.Throws<SettingsException>(() => ApiDocumentSetup.PublicBaseUrl(setting));
}
