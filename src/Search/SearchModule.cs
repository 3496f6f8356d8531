using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Search.Http;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Indexing;
using PromotionEngine.Search.Querying;

namespace PromotionEngine.Search;

/// <summary>
/// Search: the template read model (full text, filters, exposure on product and shop pages), fed only by template
/// events, one in-process index per instance. The module's only public type.
/// </summary>
public static class SearchModule
{
    public const string Name = "search";
    public const string OperatorPolicy = SearchEndpoints.OperatorPolicy;

    /// <summary>Registers the module's services; the Host provides TimeProvider, the event log and the engine's ports.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SearchMetrics>();
        services.AddSingleton<SearchIndex>();
        services.AddSingleton<ReplayTemplateHistory>();
        services.AddSingleton<StockedPages>();
        services.AddSingleton<FindTemplates>();
        services.AddSingleton<ExposeTemplates>();
        services.AddSingleton<IndexTemplateEvents>();
        services.AddSingleton(EventSubscription.EveryInstance<TemplateCreated, IndexTemplateEvents>(IndexTemplateEvents.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateChanged, IndexTemplateEvents>(IndexTemplateEvents.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateStockAdded, IndexTemplateEvents>(IndexTemplateEvents.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateTerminated, IndexTemplateEvents>(IndexTemplateEvents.Consumer));
        services.AddSingleton(EventSubscription.EveryInstance<TemplateEnded, IndexTemplateEvents>(IndexTemplateEvents.Consumer));
        return services;
    }

    /// <summary>The index build at start and the searchers' refresh, for processes that serve the search role.</summary>
    public static IServiceCollection AddSearchWorkers(this IServiceCollection services)
    {
        services.AddHostedService<SearchIndexWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        app.MapSearchEndpoints();
        return app;
    }
}
