using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http;
using MySqlConnector;
using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Search;
using PromotionEngine.Settlement;

namespace PromotionEngine.Architecture.Tests.Offending;

// Each type breaks one rule on purpose, so every rule is seen to fail on a real dependency
// (no assembly of ours uses MySqlConnector today; only the Host does).

internal static class OpensMySql
{
    public static Task OpenAsync(MySqlConnection connection, CancellationToken ct) => connection.OpenAsync(ct);
}

internal static class QueriesWithDapper
{
    public static Task<IEnumerable<long>> IdsAsync(DbConnection connection) => connection.QueryAsync<long>("SELECT 1");
}

internal static class ReadsHttpRequests
{
    public static string? PathOf(HttpContext context) => context.Request.Path.Value;
}

// typeof, not a call: the test should not break when an entry point's signature changes.
internal static class FindsTheEngine
{
    public static Type EntryPoint() => typeof(EngineModule);
}

internal static class FindsMerchantAdmin
{
    public static Type EntryPoint() => typeof(MerchantAdminModule);
}

internal static class FindsSettlement
{
    public static Type EntryPoint() => typeof(SettlementModule);
}

internal static class FindsSearch
{
    public static Type EntryPoint() => typeof(SearchModule);
}

internal static class TalksToRedis
{
    public static Task<bool> PingAsync(StackExchange.Redis.IDatabase redis) => redis.KeyExistsAsync("ping");
}

internal static class FindsDistribution
{
    public static Type EntryPoint() => typeof(DistributionModule);
}
