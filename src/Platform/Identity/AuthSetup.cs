using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Identity;

internal static partial class AuthSetup
{
    /// <summary>Every endpoint needs a valid signed token unless it says otherwise; policies check the role.</summary>
    /// <param name="policies">The modules' policy names (the Host knows them), each with the one role it lets in.</param>
    public static IServiceCollection AddPromotionAuth(this IServiceCollection services, PromotionOptions options,
        IReadOnlyList<(string Policy, CallerRole Role)> policies)
    {
        var auth = options.Auth;
        // A configured key is checked now, so a bad one stops start-up; the data folder's key file is read (or made)
        // only once a request needs it, so `migrate` makes none.
        var configuredKey = string.IsNullOrWhiteSpace(auth.SigningKey) ? null : SigningKeys.Resolve(auth, options.DataDirectory);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false; // keep "sub", "role", "merchant_id" as issued
            // The same check, remembering validated tokens by their hash until they expire (CachingTokenHandler).
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new CachingTokenHandler(auth.TokenCacheSize, TimeProvider.System) { MapInboundClaims = false });
            // The challenge says "Bearer" and nothing more: why a token failed (unknown key, expired, bad
            // audience) helps whoever forges one; it goes to the log below instead.
            jwt.IncludeErrorDetails = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                RoleClaimType = Caller.RoleClaim,
                NameClaimType = "sub",
            };
            if (!string.IsNullOrWhiteSpace(auth.Authority))
            {
                jwt.Authority = auth.Authority; // production: the issuer's published public keys
            }
            else
            {
                jwt.TokenValidationParameters.IssuerSigningKey = configuredKey ?? SigningKeys.Resolve(auth, options.DataDirectory);
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    // Signed is not enough: a token that names no caller exactly (a role spelled otherwise, two
                    // roles or two ids, a user without user_id) is no identity at all.
                    if (Caller.WithCallerRead(context.Principal!) is { } read) context.Principal = read;
                    else
                    {
                        var log = Log(context.HttpContext);
                        LogNoCaller(log);
                        Spend(context.HttpContext);
                        context.Fail("The token names no caller: one role of MERCHANT, USER, SERVICE, OPERATOR and at most one id of each kind.");
                    }
                    return Task.CompletedTask;
                },
                OnAuthenticationFailed = context =>
                {
                    var log = Log(context.HttpContext);
                    LogRefused(log, context.Exception.Message);
                    Spend(context.HttpContext);
                    return Task.CompletedTask;
                },
                OnChallenge = context =>
                {
                    // No token where one is needed (a refused token was counted above).
                    if (context.AuthenticateFailure is null) Spend(context.HttpContext);
                    return Task.CompletedTask;
                },
            };
        });
        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var (policy, role) in policies)
            authorization.AddPolicy(policy, p => p.RequireAssertion(c => Caller.From(c.User) is { } caller && caller.Role == role));
        return services;
    }

    /// <summary>A failed authentication counts against the client address's budget (RateLimits:Unauthenticated).</summary>
    private static void Spend(HttpContext http) => http.RequestServices.GetRequiredService<FailedAuthentications>().Spend(http);

    private static ILogger Log(HttpContext http)
        => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSetup).FullName!);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token refused: {Reason}")]
    private static partial void LogRefused(ILogger log, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bearer token refused: validly signed, but it names no caller " +
        "(role not exactly one of MERCHANT, USER, SERVICE, OPERATOR, a claim twice, or a missing id)")]
    private static partial void LogNoCaller(ILogger log);
}
