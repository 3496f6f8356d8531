using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PromotionEngine.WebConsole.Api;

/// <summary>
/// Where the API answers: Console:ApiBaseUrl, or else this process's own first listening address (the single process serves the
/// console and the API), with a wildcard host read as loopback.
/// </summary>
internal sealed class ApiAddress(ConsoleOptions options, IServer server)
{
    private Uri? _own;

    public Uri BaseAddress => options.ApiBaseUrl ?? (_own ??= Own());

    private Uri Own()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server listens nowhere yet; set Console:ApiBaseUrl.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0") uri.Host = "127.0.0.1";
        if (uri.Host is "[::]" or "::") uri.Host = "[::1]";
        uri.Path = "/";
        return uri.Uri;
    }
}
