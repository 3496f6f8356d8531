using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Telemetry;

namespace PromotionEngine.Platform.Web;

/// <summary>One fixed-window limit: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>; 0 means none.</summary>
internal sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The limits of one endpoint group: per signed-in caller, and per client IP for requests without a valid token.</summary>
internal sealed class GroupLimits
{
    public WindowLimit PerCaller { get; set; } = new();

    public WindowLimit PerIp { get; set; } = new() { PermitLimit = 1000 };
}

/// <summary>
/// Settings of the rate limits (section "RateLimits"). The defaults leave a flash sale's honest traffic alone: a user
/// claiming sends a handful of requests a second, and thousands of users behind one address (a carrier NAT, a
/// gateway whose address is not configured as a known proxy) are told apart by their tokens, never by the address.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Failed authentications per client IP (a bad, expired or foreign token, or none where one is needed). Once an
    /// address has spent them, its requests are refused before any token is read, until the window ends: a flood of
    /// forged tokens costs no signature checks.
    /// </summary>
    public WindowLimit Unauthenticated { get; set; } = new() { PermitLimit = 1000 };

    /// <summary>POST /api/v1/claims.</summary>
    public GroupLimits Claims { get; set; } = new() { PerCaller = new() { PermitLimit = 50 } };

    /// <summary>/api/v1/me: the wallet and reminders.</summary>
    public GroupLimits Wallet { get; set; } = new() { PerCaller = new() { PermitLimit = 300 } };

    /// <summary>/api/v1/merchant: templates and distribution tasks.</summary>
    public GroupLimits Merchant { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>/api/v1/orders and /api/v1/settlement: a SERVICE caller is the order system, sized by the deployment, so no limit per caller by default.</summary>
    public GroupLimits Service { get; set; } = new();

    /// <summary>/api/v1/operator.</summary>
    public GroupLimits Operator { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>/api/v1/search: template search and exposure (anonymous shoppers too).</summary>
    public GroupLimits Search { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>Everything else: the OpenAPI document, Scalar, ping, unknown routes.</summary>
    public GroupLimits Other { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    public static RateLimitOptions Read(IConfiguration configuration)
    {
        RateLimitOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<RateLimitOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new RateLimitOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"The {Section} settings cannot be read: {e.Message}");
        }
        foreach (var (name, limit) in options.Limits())
        {
            if (limit.PermitLimit < 0 || limit.Window <= TimeSpan.Zero || limit.Window > TimeSpan.FromDays(1))
                throw new SettingsException($"{Section}:{name}: PermitLimit is 0 (no limit) or more, Window more than 0 and at most 1.00:00:00.");
        }
        return options;
    }

    private IEnumerable<(string Name, WindowLimit Limit)> Limits()
    {
        yield return (nameof(Unauthenticated), Unauthenticated);
        foreach (var (name, group) in Groups())
        {
            yield return ($"{name}:{nameof(GroupLimits.PerCaller)}", group.PerCaller);
            yield return ($"{name}:{nameof(GroupLimits.PerIp)}", group.PerIp);
        }
    }

    /// <summary>The groups in the order <see cref="RateLimits.GroupOf"/> numbers them.</summary>
    public (string Name, GroupLimits Limits)[] Groups() =>
        [(nameof(Claims), Claims), (nameof(Wallet), Wallet), (nameof(Merchant), Merchant), (nameof(Service), Service),
         (nameof(Operator), Operator), (nameof(Search), Search), (nameof(Other), Other)];
}

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

/// <summary>
/// ASP.NET Core's rate limiting, in two places. Before authentication, <see cref="UseUnauthenticatedLimit"/>: an
/// address that has failed authentication too often is refused before its token is read. After authentication, the
/// built-in middleware with one partitioned limiter: each request falls in an endpoint group (by path) and is counted
/// against that group's limit for its caller (role and subject of a valid token) or, without one, for its client
/// address. A refusal is 429 RATE_LIMITED problem+json with Retry-After.
/// </summary>
internal static partial class RateLimits
{
    public static IServiceCollection AddPromotionRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        services.AddSingleton(_ => new FailedAuthentications(options));
        if (!options.Enabled) return services;
        var groups = options.Groups().Select(g => g.Limits).ToArray();
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, Partition>(http =>
            {
                var group = GroupOf(http.Request.Path);
                var caller = Caller.From(http.User);
                var partition = caller is null ? new Partition(group, null, ClientAddress.KeyOf(http)) : new Partition(group, caller.Role, caller.Subject);
                var limit = caller is null ? groups[group].PerIp : groups[group].PerCaller;
                return limit.PermitLimit == 0 ? RateLimitPartition.GetNoLimiter(partition) : RateLimitPartition.GetFixedWindowLimiter(partition, _ => Window(limit));
            });
            limiter.OnRejected = (context, ct) => new ValueTask(RefuseAsync(context.HttpContext, context.Lease));
        });
        return services;
    }

    /// <summary>Refuses, before authentication, every request from an address that has spent its failed authentications.</summary>
    public static IApplicationBuilder UseUnauthenticatedLimit(this IApplicationBuilder app, RateLimitOptions options)
    {
        if (!options.Enabled || options.Unauthenticated.PermitLimit == 0) return app;
        var failures = app.ApplicationServices.GetRequiredService<FailedAuthentications>();
        return app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<ManagementEndpoint>() is null)
            {
                using var look = failures.Look(http); // takes nothing: only a failure spends
                if (!look.IsAcquired)
                {
                    await RefuseAsync(http, look);
                    return;
                }
            }
            await next(http);
        });
    }

    public static IApplicationBuilder UsePromotionRateLimits(this IApplicationBuilder app, RateLimitOptions options) =>
        options.Enabled ? app.UseRateLimiter() : app;

    /// <summary>0 claims, 1 wallet, 2 merchant, 3 service, 4 operator, 5 search, 6 everything else (see <see cref="RateLimitOptions.Groups"/>).</summary>
    public static int GroupOf(PathString path) =>
        path.StartsWithSegments("/api/v1/claims") ? 0
        : path.StartsWithSegments("/api/v1/me") ? 1
        : path.StartsWithSegments("/api/v1/merchant") ? 2
        : path.StartsWithSegments("/api/v1/orders") || path.StartsWithSegments("/api/v1/settlement") ? 3
        : path.StartsWithSegments("/api/v1/operator") ? 4
        : path.StartsWithSegments("/api/v1/search") ? 5
        : 6;

    internal static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        QueueLimit = 0, // refused at once: a queued request only holds a connection longer
        AutoReplenishment = true,
    };

    private static async Task RefuseAsync(HttpContext http, RateLimitLease lease)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        LogRefused(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits).FullName!), http.Request.Path, seconds);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new Kernel.Problem(429, "RATE_LIMITED", $"Too many requests; retry after {seconds} s.", new Dictionary<string, object?>());
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = problem.Status,
                Title = problem.Code,
                Type = problem.Type,
                Detail = problem.Detail,
                Extensions = { ["code"] = problem.Code, ["retryAfterSeconds"] = seconds },
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rate limited {Path}: retry after {Seconds} s")]
    private static partial void LogRefused(ILogger log, string path, int seconds);

    /// <summary>A limit's partition: the group and the caller (role and subject), or the client address when <c>Role</c> is null.</summary>
    private readonly record struct Partition(int Group, CallerRole? Role, string Key);
}

/// <summary>Failed authentications per client address (<see cref="RateLimitOptions.Unauthenticated"/>), spent by the bearer handler's events.</summary>
internal sealed class FailedAuthentications(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _limiter = options.Enabled && options.Unauthenticated.PermitLimit > 0
        ? PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress.KeyOf(http), _ => RateLimits.Window(options.Unauthenticated)))
        : null;

    /// <summary>Whether the address has failures left, spending none.</summary>
    public RateLimitLease Look(HttpContext http) => _limiter!.AttemptAcquire(http, 0);

    /// <summary>Counts one failed authentication against the request's address.</summary>
    public void Spend(HttpContext http)
    {
        if (_limiter is null) return;
        using var _ = _limiter.AttemptAcquire(http, 1);
    }

    public void Dispose() => _limiter?.Dispose();
}
