using PromotionEngine.Distribution;
using PromotionEngine.Engine;
using PromotionEngine.MerchantAdmin;
using PromotionEngine.Search;
using PromotionEngine.Settlement;

namespace PromotionEngine.Host;

/// <summary>Which modules this process serves: "all" or a comma-separated list of module names.</summary>
internal sealed class Roles
{
    private static readonly string[] Known = [MerchantAdminModule.Name, EngineModule.Name, DistributionModule.Name, SettlementModule.Name, SearchModule.Name];
    private readonly HashSet<string> _served;

    private Roles(HashSet<string> served) => _served = served;

    public bool Serves(string module) => _served.Contains(module);

    /// <summary>A consumer "&lt;module&gt;.&lt;purpose&gt;" runs where its module is served; one of no known module runs everywhere.</summary>
    public bool ServesConsumer(string consumer)
    {
        var module = consumer.Split('.')[0];
        return !Known.Contains(module) || Serves(module);
    }

    public static Roles Parse(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names is ["all"]) return new Roles([.. Known]);
        var unknown = names.Except(Known).ToList();
        if (names.Length == 0 || unknown.Count > 0)
            throw new SettingsException($"Promotion:Roles is 'all' or a list of {string.Join(", ", Known)}; unknown: {string.Join(", ", unknown)}.");
        return new Roles([.. names]);
    }
}
