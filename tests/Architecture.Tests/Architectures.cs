using System.Reflection;
using ArchUnitNET.Loader;
using PromotionEngine.Clearing;
using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Search;
using PromotionEngine.Settlement;
using PromotionEngine.WebConsole;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace PromotionEngine.Architecture.Tests;

internal static class Assemblies
{
    public static readonly Assembly Kernel = typeof(Kernel.IdGenerator).Assembly;
    public static readonly Assembly Contracts = typeof(Contracts.MerchantAdmin.ICouponTemplateCatalog).Assembly;
    public static readonly Assembly Engine = typeof(EngineModule).Assembly;
    public static readonly Assembly Admin = typeof(MerchantAdminModule).Assembly;
    public static readonly Assembly Distribution = typeof(DistributionModule).Assembly;
    public static readonly Assembly Settlement = typeof(SettlementModule).Assembly;
    public static readonly Assembly Search = typeof(SearchModule).Assembly;
    public static readonly Assembly Clearing = typeof(ClearingModule).Assembly;
    public static readonly Assembly WebConsole = typeof(ConsoleModule).Assembly;

    /// <summary>Platform has no public type: found by name, as the Host loads it.</summary>
    public static readonly Assembly Platform = Assembly.Load("PromotionEngine.Platform");
    public static readonly Assembly Host = typeof(Program).Assembly;

    public static readonly Assembly[] Modules = [Engine, Admin, Distribution, Settlement, Search, Clearing, WebConsole];

    public static readonly Assembly[] Ours = [Kernel, Contracts, .. Modules, Platform, Host];

    public static Assembly Named(string name) => name switch
    {
        "Kernel" => Kernel,
        "Contracts" => Contracts,
        "Engine" => Engine,
        "MerchantAdmin" => Admin,
        "Distribution" => Distribution,
        "Settlement" => Settlement,
        "Search" => Search,
        "Clearing" => Clearing,
        "WebConsole" => WebConsole,
        "Platform" => Platform,
        "Host" => Host,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not one of our assemblies."),
    };
}

/// <summary>
/// The libraries the domain, Kernel and Contracts must not touch. Their assemblies are loaded into the
/// architecture so a rule about them sees real types: ArchUnitNET passes silently on types it never loaded.
/// </summary>
internal static class Libraries
{
    public static readonly string[] Forbidden = ["Microsoft.AspNetCore", "Dapper", "MySqlConnector", "StackExchange.Redis", "Lucene.Net"];

    public static IEnumerable<Assembly> Load()
    {
        Assembly[] named =
        [
            typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly,
            typeof(Microsoft.AspNetCore.Http.TypedResults).Assembly,
            typeof(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder).Assembly,
            typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly,
            typeof(global::Dapper.SqlMapper).Assembly,
            typeof(global::MySqlConnector.MySqlConnection).Assembly,
            typeof(global::StackExchange.Redis.ConnectionMultiplexer).Assembly,
        ];
        // Whatever one of ours uses from these libraries lives in an assembly it references.
        var referenced = Assemblies.Ours
            .SelectMany(a => a.GetReferencedAssemblies())
            .Where(n => Forbidden.Any(library => n.Name?.StartsWith(library, StringComparison.Ordinal) == true))
            .Select(Assembly.Load);
        return named.Concat(referenced).Distinct();
    }
}

internal static class Architectures
{
    /// <summary>
    /// Our assemblies (Kernel, Contracts, the modules, Platform and the Host), the forbidden libraries, and this test assembly,
    /// whose types in Offending/ break the rules on purpose. Every rule selects the types it checks by assembly or namespace.
    /// </summary>
    public static readonly ArchitectureModel All =
        new ArchLoader().LoadAssemblies([.. Assemblies.Ours, .. Libraries.Load(), typeof(Offending.OpensMySql).Assembly]).Build();
}
