using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Adapters.Sql;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Campaigns;
using PromotionEngine.MerchantAdmin.Messaging;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin;

/// <summary>Merchant-admin: coupon templates and their audit trail. The module's only public type.</summary>
public static class MerchantAdminModule
{
    public const string Name = "merchant-admin";

    /// <summary>Registers the module's services and its query port; the Host provides IDatabase, IdGenerator and TimeProvider.</summary>
    public static IServiceCollection AddMerchantAdmin(this IServiceCollection services)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(new ModuleSchema(Name, typeof(MerchantAdminModule).Assembly));
        services.AddSingleton<ICouponTemplates, SqlCouponTemplates>();
        services.AddSingleton<ITemplateAuditTrail, SqlTemplateAuditTrail>();
        services.AddMemoryCache(o => o.SizeLimit ??= 200_000);
        services.AddSingleton<ICampaigns, SqlCampaigns>();
        services.AddSingleton<CampaignTerms>();
        services.AddSingleton<CampaignVerbs>();
        services.AddSingleton<ICampaignTemplates, CampaignTemplates>(); // search's campaign filter asks it
        services.AddSingleton<TemplateCatalog>();
        services.AddSingleton<ICouponTemplateCatalog>(sp => sp.GetRequiredService<TemplateCatalog>());
        services.AddSingleton<TemplatePricing>();
        services.AddSingleton<ICouponPricingTerms>(sp => sp.GetRequiredService<TemplatePricing>());
        services.AddSingleton<TemplateWriter>();
        services.AddSingleton<CreateTemplate>();
        services.AddSingleton<ChangeTemplate>();
        services.AddSingleton<AddTemplateStock>();
        services.AddSingleton<AddGiftStock>();
        services.AddSingleton<TerminateTemplate>();
        services.AddSingleton<AnnounceTemplateEnd>();
        services.AddSingleton(EventSubscription.Group<TemplateEndDue, AnnounceTemplateEnd>(AnnounceTemplateEnd.Consumer));
        services.AddSingleton<ForgetChangedTemplate>();
        services.AddSingleton(EventSubscription.EveryInstance<TemplateCreated, ForgetChangedTemplate>(ForgetChangedTemplate.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateChanged, ForgetChangedTemplate>(ForgetChangedTemplate.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateStockAdded, ForgetChangedTemplate>(ForgetChangedTemplate.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateTerminated, ForgetChangedTemplate>(ForgetChangedTemplate.Consumer));
        return services;
    }

    public static IEndpointRouteBuilder MapMerchantAdmin(this IEndpointRouteBuilder app)
    {
        app.MapTemplateEndpoints();
        app.MapGiftStockEndpoints();
        app.MapCampaignEndpoints();
        return app;
    }

    /// <summary>The authorization policy the module's endpoints require (defined by the Host).</summary>
    public const string MerchantPolicy = TemplateEndpoints.MerchantPolicy;
}
