using System.Reflection;

namespace PromotionEngine.System.Tests.Deployment;

/// <summary>
/// Whether a setting given as an environment variable is one the app reads: <c>ASPNETCORE_URLS</c> and
/// <c>ASPNETCORE_ENVIRONMENT</c> are ASP.NET Core's; <c>Section__Key__Sub</c> is the setting Section:Key:Sub, which must
/// be a property path of the options class whose <c>Section</c> constant names that section (the classes the app binds
/// its settings to; the longest section wins, so Messaging:Nats:Url is NatsTransportOptions' Url).
/// </summary>
internal static class AppSettings
{
    /// <summary>ASP.NET Core's own settings, as the environment variables the files use.</summary>
    private static readonly HashSet<string> Framework = new(StringComparer.Ordinal) { "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT" };

    /// <summary>Read by ClientAddress itself (src/Platform/Web/ClientAddress.cs), with no options class.</summary>
    private static readonly HashSet<string> ReadDirectly = new(StringComparer.OrdinalIgnoreCase)
    {
        "ForwardedHeaders:KnownProxies", "ForwardedHeaders:KnownNetworks",
    };

    /// <summary>Every options class of the build by its section, from the Host's assembly and the PromotionEngine ones it references.</summary>
    private static readonly Lazy<Dictionary<string, Type>> Sections = new(() =>
    {
        var host = typeof(Program).Assembly;
        var assemblies = host.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("PromotionEngine.", StringComparison.Ordinal))
            .Select(Assembly.Load).Append(host);
        return assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
            .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string) && !x.Type.IsAbstract)
            .ToDictionary(x => (string)x.Field!.GetValue(null)!, x => x.Type, StringComparer.OrdinalIgnoreCase);
    });

    /// <summary>The setting an environment variable sets: <c>Section__Key</c> is Section:Key.</summary>
    public static string SettingOf(string variable) => variable.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Null when the app reads the variable's setting, else why not.</summary>
    public static string? Unread(string variable)
    {
        if (Framework.Contains(variable)) return null;
        var setting = SettingOf(variable);
        if (ReadDirectly.Contains(setting)) return null;
        var segments = setting.Split(':');
        for (var length = segments.Length - 1; length >= 1; length--)
        {
            if (!Sections.Value.TryGetValue(string.Join(':', segments[..length]), out var type)) continue;
            foreach (var name in segments[length..])
            {
                var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is not { CanWrite: true }) return $"{setting}: {type.Name} has no settable {name}";
                type = property.PropertyType;
            }
            return null;
        }
        return $"{setting}: no options class of the app has the section {segments[0]}";
    }
}
