using System.Net.Http.Headers;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The built Host in Development on the embedded default, in a data directory of its own, as the console's browser tests start it:
/// API clients signed with the data directory's development key; disposing stops the Host and deletes the directory.
/// </summary>
internal sealed class ConsoleHost : IAsyncDisposable
{
    private readonly Lazy<TokenIssuer> _tokens;

    private ConsoleHost(HostProcess host, string dataDirectory)
    {
        Host = host;
        DataDirectory = dataDirectory;
        // Only when a token is asked for: a Host given a configured key or authority has no key file to read.
        _tokens = new(() => new TokenIssuer(
            SigningKeys.Resolve(new AuthOptions(), dataDirectory), "promotion-engine", "promotion-engine", TimeProvider.System));
    }

    public HostProcess Host { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>Starts the Host with environment Development, its own Promotion:DataDirectory and these further settings.</summary>
    public static async Task<ConsoleHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var data = Path.Combine(Path.GetTempPath(), "promo-console-" + Guid.NewGuid().ToString("N")[..8]);
        var all = new Dictionary<string, string> { ["environment"] = "Development", ["Promotion:DataDirectory"] = data };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key] = value;
        try
        {
            return new ConsoleHost(await HostProcess.StartAsync(all), data);
        }
        catch
        {
            DeleteDirectory(data);
            throw;
        }
    }

    /// <summary>A bearer token for this caller, valid for ten minutes.</summary>
    public string Token(CallerRole role, string id) => _tokens.Value.Issue(role, id, TimeSpan.FromMinutes(10));

    /// <summary>A client of the public port (its answers checked against the OpenAPI document) signed in as this caller.</summary>
    public HttpClient As(CallerRole role, string id)
    {
        var client = Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(role, id));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        DeleteDirectory(DataDirectory);
    }

    private static void DeleteDirectory(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { }
    }
}
