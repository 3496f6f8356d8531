using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Host.Messaging;

internal static class MessagingSetup
{
    /// <summary>The outbox every module writes its events to, and the log read models are rebuilt from.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, Roles roles)
    {
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IOutbox, SqlOutbox>();
        return services;
    }
}
