using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The whole engine in-process on a real socket (Kestrel, so a browser reaches it), in Development on the embedded default (no
/// signing key: the console's development sign-in exists), with the test's own consumer (<see cref="EventRecorder"/>) that can be
/// told to fail until an event is dead-lettered, as the backbone's system tests do; few, fast retries.
/// </summary>
public class OperatorConsoleApp : IAsyncLifetime
{
    private TokenIssuer? _tokens;

    public OperatorConsoleApp()
    {
        App = new SocketApp();
        App.WithSetting("Promotion:Auth:SigningKey", "") // the embedded default: the data folder's key, the development sign-in
            .WithSetting("Messaging:MaxDeliver", "3")
            .WithSetting("Messaging:RetryDelay", "00:00:00.050")
            .WithSetting("Messaging:MaxRetryDelay", "00:00:00.200")
            .WithSetting("Messaging:PollInterval", "00:00:00.050")
            .With(b => b.UseEnvironment("Development"));
        Recorder = EventRecorder.AddTo(App);
    }

    public SocketApp App { get; }

    public EventRecorder Recorder { get; }

    public IDatabase Database => App.Services.GetRequiredService<IDatabase>();

    /// <summary>Where the browser finds the console: the address Kestrel listens on.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>An API client (answers checked against the OpenAPI document) with a token signed by the data folder's key.</summary>
    public HttpClient As(CallerRole role, string id)
    {
        var client = App.CreateClient();
        client.BaseAddress = BaseAddress;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (_tokens ??= new TokenIssuer(SigningKeys.Resolve(new AuthOptions(), App.DataDirectory), "promotion-engine",
                "promotion-engine", TimeProvider.System)).Issue(role, id, TimeSpan.FromHours(1)));
        return client;
    }

    public async Task InitializeAsync()
    {
        await App.InitializeAsync();
        await EventRecorder.CreateTableAsync(Database);
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();

    /// <summary>A SQLite app served by Kestrel on a free loopback port.</summary>
    public sealed class SocketApp : SqliteApp
    {
        public SocketApp() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

        public override Task InitializeAsync()
        {
            StartServer();
            return Task.CompletedTask;
        }
    }
}

/// <summary>The same, without the API's rate limits: a test that makes thousands of templates through the API as one merchant.</summary>
public sealed class UnlimitedConsoleApp : OperatorConsoleApp
{
    public UnlimitedConsoleApp() => App.WithSetting("RateLimits:Enabled", "false");
}
