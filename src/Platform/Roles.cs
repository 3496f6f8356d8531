namespace PromotionEngine.Platform;

/// <summary>
/// Which modules this process serves: "all" or a comma-separated list of module names. The names come from the
/// Host, which knows the modules; Platform knows none of them.
/// </summary>
internal sealed class Roles
{
    private readonly string[] _known;
    private readonly HashSet<string> _served;

    private Roles(string[] known, HashSet<string> served) => (_known, _served) = (known, served);

    public bool Serves(string module) => _served.Contains(module);

    /// <summary>Whether this build has the module (an event's producer that is none is an outside system).</summary>
    public bool Knows(string module) => _known.Contains(module);

    /// <summary>A consumer "&lt;module&gt;.&lt;purpose&gt;" runs where its module is served; one of no known module runs everywhere.</summary>
    public bool ServesConsumer(string consumer)
    {
        var module = consumer.Split('.')[0];
        return !_known.Contains(module) || Serves(module);
    }

    /// <param name="text">Promotion:Roles.</param>
    /// <param name="known">Every module this build has, in the order the refusal lists them.</param>
    public static Roles Parse(string text, IReadOnlyList<string> known)
    {
        string[] modules = [.. known];
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names is ["all"]) return new Roles(modules, [.. modules]);
        var unknown = names.Except(modules).ToList();
        if (names.Length == 0 || unknown.Count > 0)
            throw new SettingsException(
                $"Promotion:Roles is 'all' or a list of {string.Join(", ", modules)}; unknown: {string.Join(", ", unknown)}.");
        return new Roles(modules, [.. names]);
    }
}
