using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// The whole engine in-process (WebApplicationFactory) on one store, with a clock the tests move.
/// Each fixture gets its own database, so test classes run in parallel without sharing rows.
/// </summary>
public abstract class EngineApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly byte[] SigningKey = "system-tests-signing-key-32-bytes!!"u8.ToArray();
    private static long _nextId = Environment.TickCount64 % 1_000_000 * 1000;
    private readonly TokenIssuer _tokens = Tokens;
    private readonly List<Action<IWebHostBuilder>> _extras = [];

    /// <summary>Signs like the engine under test expects (Promotion:Auth:SigningKey is set to <see cref="SigningKey"/>).</summary>
    internal static readonly TokenIssuer Tokens = new(
        new SymmetricSecurityKey(SigningKey), "promotion-engine", "promotion-engine", TimeProvider.System);

    /// <summary>The app's time: it stands still until a test moves it (or another app sharing it, <see cref="SharingClockWith"/>).</summary>
    public FakeTimeProvider Clock { get; private set; } = new(DateTimeOffset.UtcNow);

    private bool _configured;

    public abstract string Store { get; }

    /// <summary>Settings of the test's own, applied after the store's (fill it before the host starts).</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    protected abstract Dictionary<string, string?> StoreSettings();

    /// <summary>A fresh positive id for a merchant or user, so tests sharing a fixture never see each other's rows.</summary>
    public static long NewId() => Interlocked.Increment(ref _nextId);

    /// <summary>More settings or services for this app (before it starts): a test's own consumer, a transport.</summary>
    public EngineApp With(Action<IWebHostBuilder> configure)
    {
        _extras.Add(configure);
        return this;
    }

    /// <summary>
    /// Runs on <paramref name="other"/>'s clock (before this app starts): instances of one deployment on one database
    /// need one time. Each app's own clock stands still where it was made, so a second app made a millisecond later
    /// lives a millisecond ahead for good: an event it records falls due only then, and the relay of an app whose
    /// clock stays behind (the lease holder) never publishes it.
    /// </summary>
    public EngineApp SharingClockWith(EngineApp other)
    {
        if (_configured) throw new InvalidOperationException("The app has started: share a clock before it does.");
        Clock = other.Clock;
        return this;
    }

    public EngineApp WithSetting(string key, string? value)
    {
        Settings[key] = value;
        return this;
    }

    /// <summary>The port metrics and health answer on, once <see cref="WithManagementPort"/> asked for one.</summary>
    public int? ManagementPort { get; private set; }

    /// <summary>Serves metrics and health on a management port of their own (Telemetry:ManagementUrl), as production should.</summary>
    public EngineApp WithManagementPort()
    {
        ManagementPort = FreePorts.Next();
        return WithSetting("Telemetry:ManagementUrl", $"http://127.0.0.1:{ManagementPort}");
    }

    /// <summary>A GET as if it arrived on this local port: the in-process server has no sockets, the port is what the app reads.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetOnPortAsync(string path, int port)
    {
        var context = await Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = path;
            c.Connection.LocalPort = port;
        });
        using var reader = new global::System.IO.StreamReader(context.Response.Body);
        return ((HttpStatusCode)context.Response.StatusCode, await reader.ReadToEndAsync());
    }

    /// <summary>A GET on the management port (see <see cref="WithManagementPort"/>).</summary>
    public Task<(HttpStatusCode Status, string Body)> ManagementGetAsync(string path) =>
        GetOnPortAsync(path,
            ManagementPort ?? throw new InvalidOperationException("This app has no management port: call WithManagementPort() before it starts."));

    /// <summary>
    /// A client of the in-process server, as WebApplicationFactory's own (redirects, cookies), whose every answer is checked
    /// against the OpenAPI document (<see cref="ValidatingHandler"/>). It hides the factory's CreateClient on purpose: no
    /// test talks to the app around the check.
    /// </summary>
    public new HttpClient CreateClient()
    {
        List<DelegatingHandler> handlers = [];
        if (ClientOptions.AllowAutoRedirect) handlers.Add(new RedirectHandler(ClientOptions.MaxAutomaticRedirections));
        if (ClientOptions.HandleCookies) handlers.Add(new CookieContainerHandler());
        handlers.Add(new ValidatingHandler()); // innermost: it sees each answer as the server sent it
        return CreateDefaultClient(ClientOptions.BaseAddress, [.. handlers]);
    }

    public HttpClient As(CallerRole role, string id)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens.Issue(role, id, TimeSpan.FromDays(60)));
        return client;
    }

    public HttpClient AsMerchant(long id) => As(CallerRole.Merchant, id.ToString());
    public HttpClient AsUser(long id) => As(CallerRole.User, id.ToString());
    public HttpClient AsService() => As(CallerRole.Service, "order-service");
    public HttpClient AsOperator() => As(CallerRole.Operator, "ops");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        _configured = true;
        builder.UseSetting("Promotion:Auth:SigningKey", Convert.ToBase64String(SigningKey));
        builder.UseSetting("Engine:SweepInterval", "00:00:05");
        // Distribution: small chunks so a few thousand rows cross many chunks and shards; idle workers look often.
        builder.UseSetting("Distribution:ChunkSize", "100");
        builder.UseSetting("Distribution:PollInterval", "00:00:00.050");
        foreach (var (key, value) in StoreSettings()) builder.UseSetting(key, value);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
        if (FileLog.Path is { } log) builder.ConfigureLogging(l => l.AddProvider(new FileLog(log, GetType().Name)));
        foreach (var extra in _extras) extra(builder);
    }

    public virtual Task InitializeAsync()
    {
        _ = Server; // start the host now: migrations run here, not inside the first test
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;
}

public class SqliteApp : EngineApp
{
    private readonly string _directory;

    public SqliteApp() : this(Path.Combine(Path.GetTempPath(), "promo-tests-" + Guid.NewGuid().ToString("N"))) { }

    internal SqliteApp(string directory) => _directory = directory;

    public override string Store => "SQLite";

    /// <summary>The app's data folder (Promotion:DataDirectory): its SQLite file, and the distribution spool under it.</summary>
    public string DataDirectory => _directory;

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["Promotion:DataDirectory"] = _directory,
        ["Promotion:Database:Provider"] = "Sqlite",
    };

    protected override Task DisposeStoreAsync()
    {
        Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }
}

/// <summary>A real MariaDB started by scripts/services.sh (the README's test command and .ci/run call it).</summary>
public class MariaDbApp : EngineApp
{
    private readonly string _database;
    private readonly int? _workerId;
    private readonly string _server;

    public MariaDbApp() : this("promo_test_" + Guid.NewGuid().ToString("N")[..12], workerId: null) { }

    /// <summary>
    /// On a database of the test's choosing (several instances may share one), with a fixed worker number if given,
    /// on the shared server or on one of the test's own (<see cref="PrivateMariaDb"/>).
    /// </summary>
    internal MariaDbApp(string database, int? workerId, string? server = null)
    {
        _database = database;
        _workerId = workerId;
        _server = server ?? ServerConnectionString;
    }

    public override string Store => "MariaDB";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("PROMO_TEST_MYSQL") ?? "Server=127.0.0.1;Port=3306;User ID=root;Password=;";

    public string ConnectionString => new MySqlConnectionStringBuilder(_server) { Database = _database, MaximumPoolSize = 200 }.ConnectionString;

    protected override Dictionary<string, string?> StoreSettings() => new()
    {
        ["Promotion:Database:Provider"] = "MySql",
        ["Promotion:Database:ConnectionString"] = ConnectionString,
        ["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), "promo-tests-" + _database),
        ["Promotion:WorkerId"] = _workerId?.ToString(),
    };

    public override async Task InitializeAsync()
    {
        await RequireServerAsync(_server);
        await base.InitializeAsync();
    }

    protected override async Task DisposeStoreAsync()
    {
        await base.DisposeStoreAsync();
        Dispose();
        try
        {
            await using var connection = new MySqlConnection(_server);
            await connection.OpenAsync();
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{_database}`", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (MySqlException)
        {
            // The server is gone; InitializeAsync already failed the tests with the reason.
        }
    }

    /// <summary>A missing MariaDB fails the tests with a clear message; it never skips them.</summary>
    protected static async Task RequireServerAsync(string server)
    {
        try
        {
            await using var connection = new MySqlConnection(server);
            await connection.OpenAsync();
        }
        catch (Exception e) when (e is MySqlException or SocketException)
        {
            throw new InvalidOperationException(
                "MariaDB is not reachable at " + new MySqlConnectionStringBuilder(server).Server +
                ". Start it with `scripts/services.sh start mariadb` (the README's test command does this), or set PROMO_TEST_MYSQL.", e);
        }
    }
}

/// <summary>The Redis claim path: decisions in a real Redis, group-committed to a real MariaDB. Keys under a prefix of its own.</summary>
public class RedisApp : MariaDbApp
{
    private readonly string _redis;

    public RedisApp() : this(RedisConfiguration) { }

    /// <summary>
    /// On a Redis of the test's own (see <see cref="PrivateRedis"/>), and a MariaDB of its own if given
    /// (<see cref="PrivateMariaDb"/>).
    /// </summary>
    internal RedisApp(string redisConfiguration, string? mariaDbServer = null)
        : base("promo_test_" + Guid.NewGuid().ToString("N")[..12], workerId: null, mariaDbServer) => _redis = redisConfiguration;

    public string KeyPrefix { get; } = "promo-test-" + Guid.NewGuid().ToString("N")[..8];

    public override string Store => "Redis+MariaDB";

    public static string RedisConfiguration => Environment.GetEnvironmentVariable("PROMO_TEST_REDIS") ?? "127.0.0.1:6379";

    protected override Dictionary<string, string?> StoreSettings()
    {
        var settings = base.StoreSettings();
        settings["Engine:ClaimGate"] = "Redis";
        settings["Engine:Redis:Configuration"] = _redis;
        settings["Engine:Redis:KeyPrefix"] = KeyPrefix;
        return settings;
    }

    public override async Task InitializeAsync()
    {
        await RequireRedisAsync(_redis);
        await base.InitializeAsync();
    }

    /// <summary>Polls until Redis answers (a server just started), then as <see cref="RequireRedisAsync"/>.</summary>
    public static Task RequireRedisWithinAsync(string configuration, TimeSpan patience) =>
        EventuallySucceeds<InvalidOperationException>(() => RequireRedisAsync(configuration), patience, $"Redis to answer at {configuration}",
            every: TimeSpan.FromMilliseconds(50));

    /// <summary>A missing Redis fails the tests with a clear message; it never skips them.</summary>
    public static async Task RequireRedisAsync(string configuration)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        try
        {
            await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (StackExchange.Redis.RedisConnectionException e)
        {
            throw new InvalidOperationException(
                $"Redis is not reachable at {configuration}. Start it with `scripts/services.sh start redis` (the cluster: `redis-cluster`) " +
                "(the README's test command does this), or set PROMO_TEST_REDIS.", e);
        }
    }
}
