using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Engine;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin;

namespace PromotionEngine.Host.Identity;

internal static class AuthSetup
{
    /// <summary>Every endpoint needs a valid signed token unless it says otherwise; policies check the role.</summary>
    public static IServiceCollection AddPromotionAuth(this IServiceCollection services, PromotionOptions options)
    {
        var auth = options.Auth;
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false; // keep "sub", "role", "merchant_id" as issued
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
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKeys.Resolve(auth, options.DataDirectory);
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(MerchantAdminModule.MerchantPolicy, p => p.RequireAssertion(c => Caller.From(c.User) is { Role: CallerRole.Merchant }))
            .AddPolicy(EngineModule.UserPolicy, p => p.RequireAssertion(c => Caller.From(c.User) is { Role: CallerRole.User }))
            .AddPolicy(EngineModule.ServicePolicy, p => p.RequireAssertion(c => Caller.From(c.User) is { Role: CallerRole.Service }))
            .AddPolicy(EngineModule.OperatorPolicy, p => p.RequireAssertion(c => Caller.From(c.User) is { Role: CallerRole.Operator }));
        return services;
    }
}
