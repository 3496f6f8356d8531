using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Adapters.Sql;
using PromotionEngine.Settlement.Checkout;
using PromotionEngine.Settlement.Orders;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement;

/// <summary>
/// Settlement: quotes (usable and unusable coupons with reasons, the exact best combination, the deduction per line), the
/// order verbs (lock, consume, release, refund the order's coupons through the engine's checkout port), the settlement
/// record per order, refunds by the pinned allocation, and the order/payment saga. The module's only public type.
/// </summary>
public static class SettlementModule
{
    public const string Name = "settlement";
    public const string ServicePolicy = QuoteEndpoints.ServicePolicy;

    /// <summary>Registers the module's services; the Host provides IDatabase, IdGenerator, TimeProvider and the other modules' ports.</summary>
    public static IServiceCollection AddSettlement(this IServiceCollection services)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new ModuleSchema(Name, typeof(SettlementModule).Assembly));
        services.AddSingleton<SettlementMetrics>();
        services.AddSingleton<IQuotes, SqlQuotes>();
        services.AddSingleton<QuoteBudgets>();
        services.AddSingleton<QuoteGifts>();
        services.AddSingleton<PriceCart>();
        services.AddSingleton<QuotePins>();
        services.AddSingleton<IOrderRecords, SqlOrderRecords>();
        services.AddSingleton<ISettledOrders, SqlSettledOrders>(); // the clearing reconciliation reads the day's records
        services.AddSingleton<OrderSteps>();
        services.AddSingleton<OrderLedger>();
        services.AddSingleton<CheckoutOrder>();
        services.AddSingleton<OrderSaga>();
        foreach (var subscription in OrderSaga.Subscriptions) services.AddSingleton(subscription);
        return services;
    }

    public static IEndpointRouteBuilder MapSettlement(this IEndpointRouteBuilder app)
    {
        app.MapQuoteEndpoints();
        app.MapCheckoutEndpoints();
        app.MapOrderEndpoints();
        app.MapOperatorRecordEndpoints();
        return app;
    }
}
