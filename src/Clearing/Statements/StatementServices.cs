using Microsoft.Extensions.DependencyInjection;

namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The statements' services. They need an <see cref="Store.IAnalyticStore"/> and an <see cref="IClearingCalendar"/> (the clearing
/// calendar of the module's journal), which the module registers.
/// </summary>
internal static class StatementServices
{
    public static IServiceCollection AddStatements(this IServiceCollection services)
    {
        services.AddSingleton<ReadStatement>();
        services.AddSingleton<CloseClearingDay>();
        services.AddSingleton<ListClearingDays>();
        services.AddSingleton<CheckTrialBalance>();
        return services;
    }
}
