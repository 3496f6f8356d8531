using System.Globalization;
using System.Threading.RateLimiting;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Telemetry;

namespace PromotionEngine.Platform.Web;

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
            // Counters in one table, no timer over every partition (FixedWindowPartitions: in a flash sale each user is one).
            limiter.GlobalLimiter = new FixedWindowPartitions<HttpContext, Partition>(http =>
            {
                var group = GroupOf(http.Request.Path);
                var caller = Caller.From(http.User);
                var partition = caller is null
                    ? new Partition(group, null, ClientAddress.KeyOf(http))
                    : new Partition(group, caller.Role, caller.Subject);
                var limit = caller is null ? groups[group].PerIp : groups[group].PerCaller;
                return (partition, limit.PermitLimit, limit.Window);
            }, TimeProvider.System);
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

    /// <summary>
    /// 0 claims, 1 wallet, 2 merchant, 3 service, 4 operator, 5 search, 6 everything else (see
    /// <see cref="RateLimitOptions.Groups"/>).
    /// </summary>
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
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits).FullName!);
        LogRefused(log, http.Request.Path, seconds);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = Kernel.Problem.Of(Kernel.ErrorCodes.RateLimited, $"Too many requests; retry after {seconds} s.");
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
    private static partial void LogRefused(ILogger log, PathString path, int seconds);

    /// <summary>A limit's partition: the group and the caller (role and subject), or the client address when <c>Role</c> is null.</summary>
    private readonly record struct Partition(int Group, CallerRole? Role, string Key);
}
