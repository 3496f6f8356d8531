using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Budgets;
using PromotionEngine.Engine.Checkout;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Distribution;
using PromotionEngine.Engine.Expiry;
using PromotionEngine.Engine.Http;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Engine.Reminders;
using PromotionEngine.Engine.Wallet;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine;

/// <summary>
/// The engine: the user-coupon lifecycle (claim, wallet, lock, consume, release, refund, expire). Orders lock, consume, release and
/// refund through its <see cref="ICouponCheckout"/> port (the settlement serves those verbs). The module's only public type.
/// </summary>
public static class EngineModule
{
    public const string Name = "engine";
    public const string UserPolicy = EnginePolicies.User;
    public const string ServicePolicy = EnginePolicies.Service;
    public const string OperatorPolicy = EnginePolicies.Operator;

    /// <summary>The Lua script that decides a claim on the Redis path (KEYS and ARGV documented in it).</summary>
    public static string ClaimScriptSource => ClaimScripts.Claim.Text;

    /// <summary>Registers the module's services and its query port; the Host provides IDatabase, IdGenerator and TimeProvider.</summary>
    public static IServiceCollection AddEngine(this IServiceCollection services, IConfiguration configuration)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new ModuleSchema(Name, typeof(EngineModule).Assembly));
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<IUserCoupons, SqlUserCoupons>();
        services.AddSingleton<SqlClaimGate>();
        services.AddSingleton<IExactClaimGate>(sp => sp.GetRequiredService<SqlClaimGate>());
        var options = EngineOptions.Read(configuration);
        if (options.ClaimGate == ClaimGateKind.Redis)
        {
            services.AddSingleton(_ => RedisSetup.Connect(options.Redis));
            services.AddSingleton<IClaimLedger, SqlClaimLedger>();
            services.AddSingleton<RedisClaimCounters>();
            services.AddSingleton<ClaimGroupCommit>();
            services.AddHostedService(sp => sp.GetRequiredService<ClaimGroupCommit>()); // every role that claims needs its writer
            services.AddSingleton<IClaimGate, RedisClaimGate>();
            services.AddSingleton<IClaimCounterCache, RedisClaimCounterCache>();
            services.AddSingleton<IAudienceCopies, RedisAudienceCopies>();
        }
        else
        {
            AddDatabaseClaimGate(services, options.Database);
            services.AddSingleton<IClaimCounterCache, NoClaimCounterCache>();
            services.AddSingleton<IAudienceCopies, NoAudienceCopies>();
        }
        services.AddSingleton<IOrderOperations, SqlOrderOperations>();
        // Settlement uses the same trust (quotes, settlement records): registered here with the Engine:* settings it reads.
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<EngineOptions>>().Value;
            return new ServiceTrust(o.TrustedServices, o.OrderEventsService);
        });
        services.AddSingleton<ICouponIssuance, SqlCouponIssuance>();
        services.AddSingleton<IUserClaimCounts, SqlUserClaimCounts>();
        services.AddSingleton<SqlAudiences>();
        services.AddSingleton<IAudiences>(sp => sp.GetRequiredService<SqlAudiences>());
        services.AddSingleton<IAudienceMembership>(sp => sp.GetRequiredService<SqlAudiences>()); // merchant-admin and search ask it
        services.AddSingleton<CreateAudience>();
        services.AddSingleton<ChangeAudienceMembers>();
        services.AddSingleton<IAudienceMembers, AudienceMembersPort>(); // distribution adds a merchant's file through it
        // ---- rule audiences (docs/audiences.md): facts from events, each user decided again as they change
        services.AddSingleton<IAudienceRules, SqlAudienceRules>();
        services.AddSingleton<EvaluateAudienceRule>();
        services.AddSingleton<AudienceRuleSweeper>();
        services.AddSingleton<AudienceRuleIndex>();
        services.AddSingleton<FollowAudienceFacts>();
        services.AddSingleton(EventSubscription.Group<CouponConsumed, FollowAudienceFacts>(FollowAudienceFacts.Consumer));
        services.AddSingleton(EventSubscription.Group<CouponClaimed, FollowAudienceFacts>(FollowAudienceFacts.Consumer));
        services.AddSingleton(EventSubscription.Group<OrderSettled, FollowAudienceFacts>(FollowAudienceFacts.Consumer));
        services.AddSingleton(EventSubscription.Group<CouponRefunded, FollowAudienceFacts>(FollowAudienceFacts.Consumer));
        services.AddSingleton<IConsumedCoupons, SqlConsumedCoupons>(); // the clearing reconciliation reads the day's consumed coupons
        services.AddSingleton<ICouponDistribution, SqlCouponDistribution>();
        services.AddSingleton<ICouponWallet, CouponWallet>();
        services.AddSingleton<CampaignClaimRules>();
        services.AddSingleton<ClaimCoupon>();
        services.AddClaimAdmission(options.ClaimGate == ClaimGateKind.Redis); // docs/admission.md
        services.AddWaitingRoom(options, configuration); // docs/waiting-room.md
        services.AddSingleton<IBudgetLedgerStore, SqlBudgetLedgerStore>();
        services.AddSingleton<BudgetReadings>();
        services.AddSingleton<BudgetLedger>();
        services.AddSingleton<ICouponBudgets, CouponBudgets>();
        services.AddSingleton<OrderCheckout>();
        services.AddSingleton<CheckoutVerbs>();
        services.AddSingleton<ICouponCheckout, CouponCheckout>();
        services.AddSingleton<SettleOvertakenCoupons>();
        services.AddSingleton<IEndedPeriodCounts, SqlEndedPeriodCounts>(); // the sweep deletes ended periods' claim counts
        services.AddSingleton<SettleDueCoupons>();
        services.AddSingleton(EventSubscription.Group<CouponsDue, SettleDueCoupons>(SettleDueCoupons.Consumer));
        services.AddSingleton<IClaimReminders, SqlClaimReminders>();
        services.AddSingleton<SetReminder>();
        services.AddSingleton<CancelReminder>();
        services.AddSingleton<SendDueReminder>();
        services.AddSingleton(EventSubscription.Group<ReminderDue, SendDueReminder>(SendDueReminder.Consumer));
        return services;
    }

    /// <summary>The engine's background work (the expiry and hold sweep), for processes that run the engine role.</summary>
    public static IServiceCollection AddEngineWorkers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService<CouponSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<AudienceRuleSweeper>());
        if (ClaimsUseRedis(configuration)) services.AddHostedService<RebuildClaimCountersOnStart>();
        return services;
    }

    /// <summary>The database gate, behind its group commit (SQLite only; on MySQL it hands each claim on) unless MaxBatch is 1.</summary>
    private static void AddDatabaseClaimGate(IServiceCollection services, DatabaseClaimOptions options)
    {
        if (options.MaxBatch == 1)
        {
            services.AddSingleton<IClaimGate>(sp => sp.GetRequiredService<IExactClaimGate>());
            return;
        }
        services.AddSingleton<SqlClaimGroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<SqlClaimGroupCommit>()); // every role that claims needs its writer
        services.AddSingleton<IClaimGate>(sp => sp.GetRequiredService<SqlClaimGroupCommit>());
    }

    /// <summary>Engine:ClaimGate is Redis (any case), as the module reads it: the Host checks Redis's health only then.</summary>
    public static bool ClaimsUseRedis(IConfiguration configuration) => EngineOptions.Read(configuration).ClaimGate == ClaimGateKind.Redis;

    public static IEndpointRouteBuilder MapEngine(this IEndpointRouteBuilder app)
    {
        app.MapClaimEndpoints();
        app.MapWaitingRoomEndpoints();
        app.MapWalletEndpoints();
        app.MapUserSupportEndpoints();
        app.MapClaimCounterEndpoints();
        app.MapReminderEndpoints();
        app.MapAudienceEndpoints();
        return app;
    }
}
