using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Checkout;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Expiry;
using PromotionEngine.Engine.Http;
using PromotionEngine.Engine.Wallet;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine;

/// <summary>The engine: the user-coupon lifecycle (claim, wallet, lock, consume, release, refund, expire). The module's only public type.</summary>
public static class EngineModule
{
    public const string Name = "engine";
    public const string UserPolicy = EnginePolicies.User;
    public const string ServicePolicy = EnginePolicies.Service;

    /// <summary>Registers the module's services and its query port; the Host provides IDatabase, IdGenerator and TimeProvider.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new ModuleSchema(Name, typeof(EngineModule).Assembly));
        services.AddSingleton<IUserCoupons, SqlUserCoupons>();
        services.AddSingleton<IClaimGate, SqlClaimGate>();
        services.AddSingleton<IOrderOperations, SqlOrderOperations>();
        services.AddSingleton<ICouponIssuance, SqlCouponIssuance>();
        services.AddSingleton<ClaimCoupon>();
        services.AddSingleton<OrderCheckout>();
        services.AddSingleton<LockCoupons>();
        services.AddSingleton<ConsumeCoupons>();
        services.AddSingleton<ReleaseCoupons>();
        services.AddSingleton<RefundCoupons>();
        return services;
    }

    /// <summary>The engine's background work (the expiry and hold sweep), for processes that run the engine role.</summary>
    public static IServiceCollection AddEngineWorkers(this IServiceCollection services)
    {
        services.AddHostedService<CouponSweeper>();
        return services;
    }

    public static IEndpointRouteBuilder MapEngine(this IEndpointRouteBuilder app)
    {
        app.MapClaimEndpoints();
        app.MapWalletEndpoints();
        app.MapCheckoutEndpoints();
        return app;
    }
}
