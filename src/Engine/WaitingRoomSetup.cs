using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Claims.WaitingRoom;

namespace PromotionEngine.Engine;

/// <summary>The waiting room's services: its line in Redis when claims are decided there (shared by instances), else in the process.</summary>
internal static class WaitingRoomSetup
{
    public static IServiceCollection AddWaitingRoom(this IServiceCollection services, EngineOptions options, IConfiguration configuration)
    {
        WaitingRoomOptions.Check(options.WaitingRoom); // a bad key stops the start here, as one line
        services.AddSingleton(TicketSigner.From(options.WaitingRoom.SigningKey, configuration["Promotion:Auth:SigningKey"]));
        services.AddSingleton<IWaitingRooms, SqlWaitingRooms>();
        services.AddSingleton<WaitingRoomSettings>();
        services.AddSingleton<WaitingRoomMetrics>();
        if (options.ClaimGate == ClaimGateKind.Redis) services.AddSingleton<IWaitingLine, RedisWaitingLine>();
        else services.AddSingleton<IWaitingLine, InProcessWaitingLine>();
        services.AddSingleton<TakeTicket>();
        services.AddSingleton<CheckTicket>();
        services.AddSingleton<AdmitClaim>();
        return services;
    }
}
