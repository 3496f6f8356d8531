using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Dependencies;
using ArchitectureModel = ArchUnitNET.Domain.Architecture;

namespace PromotionEngine.Architecture.Tests;

/// <summary>
/// Who calls whom across modules: module A → module B when a type in A uses an interface of Contracts that a type in B
/// implements (a cross-module port; implementing it is not using it). Calls go one way when this graph has no cycle.
/// </summary>
internal sealed class ModuleCalls
{
    private readonly SortedDictionary<string, SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>> _edges = new(
        StringComparer.Ordinal);

    private ModuleCalls() { }

    /// <param name="modules">Each module's name and its types.</param>
    public static ModuleCalls Of(IReadOnlyDictionary<string, IReadOnlyList<IType>> modules)
    {
        var calls = new ModuleCalls();
        var owners = new Dictionary<string, List<string>>(StringComparer.Ordinal); // port → the modules that implement it
        foreach (var (module, types) in modules)
        {
            foreach (var port in types.SelectMany(t => t.ImplementedInterfaces).Where(IsPort).Select(p => p.FullName).Distinct())
            {
                if (!owners.TryGetValue(port, out var list)) owners[port] = list = [];
                list.Add(module);
            }
        }
        foreach (var (module, types) in modules)
        {
            foreach (var type in types)
            {
                foreach (var used in type.Dependencies.Where(d => d is not ImplementsInterfaceDependency).Select(d => d.Target).Where(IsPort))
                {
                    foreach (var owner in owners.GetValueOrDefault(used.FullName) ?? [])
                    {
                        if (owner != module) calls.Add(module, owner, used.Name, UserOf(type));
                    }
                }
            }
        }
        return calls;
    }

    /// <summary>Every module of ours the architecture loaded, by its entry point's <c>Name</c> (engine, merchant-admin, …).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IType>> Modules(
        IEnumerable<System.Reflection.Assembly> assemblies,
        ArchitectureModel architecture) =>
        assemblies.ToDictionary(ModuleName, a => (IReadOnlyList<IType>)Rules.TypesIn(a).GetObjects(architecture).ToList(), StringComparer.Ordinal);

    public static string ModuleName(System.Reflection.Assembly assembly)
    {
        var entry = assembly.GetExportedTypes().Single(t => t.Name.EndsWith("Module", StringComparison.Ordinal));
        return (string)(entry.GetField("Name")?.GetRawConstantValue() ?? throw new InvalidOperationException($"{entry} has no Name constant."));
    }

    /// <summary>The edges: from → to → port → the types of <c>from</c> that use it.</summary>
    public IEnumerable<(string From, string To, IReadOnlyCollection<string> Ports)> Edges =>
        _edges.SelectMany(f => f.Value.Select(t => (f.Key, t.Key, (IReadOnlyCollection<string>)t.Value.Keys.ToList())));

    /// <summary>
    /// Every elementary cycle once, named from its alphabetically first module, with the ports along it:
    /// "engine → settlement → engine via ICouponCheckout, IOrderLedger".
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var found = new List<string>();
        foreach (var start in _edges.Keys) Walk(start, [start], found);
        return found;
    }

    /// <summary>The cycles, each with the types that make its calls (to find them), one line each.</summary>
    public string Describe(
        IEnumerable<string> cycles) => string.Join(Environment.NewLine, cycles.Select(c => "  " + c + Environment.NewLine + string.Join(
        Environment.NewLine,
        Path(c).Zip(Path(c).Skip(1)).Select(step => $"    {step.First} → {step.Second}: " + string.Join("; ",
            _edges[step.First][step.Second].Select(p => $"{p.Key} used by {string.Join(", ", p.Value)}"))))));

    private static IEnumerable<string> Path(string cycle) => cycle[..cycle.IndexOf(" via ", StringComparison.Ordinal)].Split(" → ");

    private void Walk(string start, List<string> path, List<string> found)
    {
        foreach (var next in _edges.GetValueOrDefault(path[^1])?.Keys ?? Enumerable.Empty<string>())
        {
            if (next == start)
            {
                var ports = path.Zip([.. path.Skip(1), start]).SelectMany(s => _edges[s.First][s.Second].Keys).Distinct()
                    .Order(StringComparer.Ordinal);
                found.Add($"{string.Join(" → ", path)} → {start} via {string.Join(", ", ports)}");
            }
            else if (string.CompareOrdinal(next, start) > 0 && !path.Contains(next))
            {
                // Only modules after the start: each cycle is found once, from its first module.
                Walk(start, [.. path, next], found);
            }
        }
    }

    private void Add(string from, string to, string port, string user)
    {
        if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new(StringComparer.Ordinal);
        if (!targets.TryGetValue(to, out var ports)) targets[to] = ports = new(StringComparer.Ordinal);
        if (!ports.TryGetValue(port, out var users)) ports[port] = users = new(StringComparer.Ordinal);
        users.Add(user);
    }

    private static bool IsPort(IType type) => type is Interface && type.Assembly.FullName == Assemblies.Contracts.FullName;

    /// <summary>The type as a reader knows it: a lambda's or an async method's generated class by the class it is in.</summary>
    private static string UserOf(IType type)
    {
        var name = type.FullName[(type.Namespace.FullName.Length + 1)..];
        var generated = name.IndexOf("/<", StringComparison.Ordinal);
        return generated < 0 ? name : name[..generated];
    }
}

/// <summary>Calls between modules go round in a circle: one module cannot be understood, changed or deployed without the other.</summary>
internal sealed class ModuleCycleException(string message) : Exception(message);
