using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>Engine:ClaimGate is read once, at start, as one of two gates; anything else stops the start with one line naming it.</summary>
public class ChoosingTheClaimGate
{
    private static IConfiguration Settings(string? gate) => new ConfigurationBuilder()
        .AddInMemoryCollection(gate is null ? [] : [new KeyValuePair<string, string?>("Engine:ClaimGate", gate)])
        .Build();

    [Theory]
    [InlineData("Database", "Database")]
    [InlineData("database", "Database")]
    [InlineData("Redis", "Redis")]
    [InlineData("REDIS", "Redis")]
    [InlineData("redis", "Redis")]
    public void Database_and_redis_are_accepted_in_any_case(string setting, string gate)
    {
        Assert.Equal(gate, EngineOptions.Read(Settings(setting)).ClaimGate.ToString());
        Assert.Equal(gate == "Redis", EngineModule.ClaimsUseRedis(Settings(setting)));
    }

    [Fact]
    public void Without_the_setting_the_database_decides() => Assert.Equal(ClaimGateKind.Database, EngineOptions.Read(Settings(null)).ClaimGate);

    [Theory]
    [InlineData("Memcached")]
    [InlineData("1")] // the enum's number: a setting is a name
    [InlineData("Redis,Database")]
    [InlineData(" Redis")]
    [InlineData("")]
    public void Any_other_value_refuses_the_start_naming_the_setting_and_the_choices(string setting)
    {
        var refusal = Assert.Throws<OptionsValidationException>(() => EngineOptions.Read(Settings(setting)));

        Assert.Equal($"Engine:ClaimGate is Database or Redis (any case), not '{setting}'.", Assert.Single(refusal.Failures));
    }
}
