using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Platform.Messaging.InProcess;
using PromotionEngine.Platform.Messaging.Nats;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging;

internal static class MessagingSetup
{
    /// <summary>
    /// The event backbone: the outbox every module writes to, the relay, the transport chosen by
    /// Messaging:Transport with its consumers, the inbox, dead letters and the event log.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, Roles roles)
    {
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NatsTransportOptions>().BindConfiguration(MessagingOptions.Section + ":Nats").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(roles);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<IOutbox, SqlOutbox>();
        services.AddSingleton<IEventLog, SqlEventLog>();
        services.AddSingleton(sp => new Subscriptions(sp.GetServices<EventSubscription>(), roles));
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<DeadLetters>();
        services.AddSingleton<ConsumerRunner>();
        var transport = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>()?.Transport ?? "InProcess";
        if (transport == "Nats")
        {
            services.AddSingleton<NatsJetStream>();
            services.AddSingleton<IEventTransport, NatsTransport>();
            services.AddHostedService<NatsConsumers>();
        }
        else
        {
            services.AddSingleton<InProcessTransport>();
            services.AddSingleton<IEventTransport>(sp => sp.GetRequiredService<InProcessTransport>());
            services.AddSingleton<InProcessConsumers>();
            services.AddHostedService(sp => sp.GetRequiredService<InProcessConsumers>());
        }
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay>());
        return services;
    }
}
