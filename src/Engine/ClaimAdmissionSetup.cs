using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Claims.Admission;

namespace PromotionEngine.Engine;

/// <summary>Registration beside the module's entry point: only the composition root may name adapters.</summary>
internal static class ClaimAdmissionSetup
{
    /// <summary>Fair admission's services; the claim limits are counted in Redis when claims use it, in this process otherwise.</summary>
    public static IServiceCollection AddClaimAdmission(this IServiceCollection services, bool claimsUseRedis)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Invalid() is null, "Engine:Admission: MinInFlightPerTemplate at most MaxInFlightPerTemplate; PerUser and PerIp: "
                + "PermitLimit 0 (no limit) or more, Window from 00:00:00.001 to 1.00:00:00.")
            .ValidateOnStart();
        services.AddSingleton<ISoldOutLedger, SqlSoldOutLedger>();
        services.AddSingleton<SoldOutFlags>();
        services.AddSingleton<TemplateAdmission>();
        if (claimsUseRedis) services.AddSingleton<IClaimRateLimits, RedisClaimRateLimits>();
        else services.AddSingleton<IClaimRateLimits, InProcessClaimRateLimits>();
        services.AddSingleton<ClaimAdmission>();
        return services;
    }
}
