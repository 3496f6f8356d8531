using PromotionEngine.Platform;

namespace PromotionEngine.Host;

/// <summary>
/// The Host's arguments: <c>[command] [the command's own options] [settings]</c>. Settings reach configuration
/// through .NET's command-line provider, for every command exactly as for the server (<c>--Key=value</c>,
/// <c>--Key value</c>, <c>/Key value</c>; environment variables too). That provider silently drops what it cannot
/// read (a bare word, a one-dash switch, a key with no value) and takes whatever follows a key as its value, so
/// <c>--Key --Other=x</c> would set Key to "--Other=x": this walks the same grammar first and refuses those, and
/// any key outside the sections the Host reads, with one line.
/// </summary>
internal sealed record CommandLine(string Command, IReadOnlyList<KeyValuePair<string, string>> Options, string? Argument, string[] Settings)
{
    public const string Usage =
        "usage: [serve | migrate | token --role MERCHANT|USER|SERVICE|OPERATOR --id <id> [--role … --id …] [--hours 24] | claim-script " +
        "| event-schemas <folder> | roles [--json]] [--Section:Key=value | --Section:Key value | /Section:Key value]...";

    private static readonly Dictionary<string, string[]> CommandOptions = new()
    {
        ["serve"] = [],
        ["migrate"] = [],
        ["token"] = ["role", "id", "hours"],
        ["claim-script"] = [],
        ["event-schemas"] = [],
        ["roles"] = ["json"],
    };

    /// <summary>Options that are switches: present or not, no value (roles --json).</summary>
    private static readonly Dictionary<string, string[]> SwitchOptions = new() { ["roles"] = ["json"] };

    /// <summary>Options a command may repeat, in order (token: one --role/--id pair per token).</summary>
    private static readonly Dictionary<string, string[]> RepeatableOptions = new() { ["token"] = ["role", "id"] };

    /// <summary>
    /// The first part of every key the Host reads: the sections of the Host and its modules, and the host's own
    /// keys (urls, environment, …; WebApplicationFactory passes its settings as arguments too).
    /// </summary>
    private static readonly HashSet<string> KnownKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "Promotion", "Engine", "Distribution", "Messaging", "Search", "Settlement", "Clearing", "Telemetry", "RateLimits", "ForwardedHeaders",
        "Console", "Logging", "Kestrel", "AllowedHosts", "urls", "http_ports", "https_ports", "https_port", "environment", "applicationName",
        "contentRoot", "webroot", "detailedErrors", "shutdownTimeoutSeconds", "suppressStatusMessages", "captureStartupErrors",
        "preventHostingStartup", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies", "preferHostingUrls", "hostBuilder",
    };

    /// <summary>Reads the arguments, or throws a <see cref="SettingsException"/> naming the first one at fault.</summary>
    public static CommandLine Parse(string[] args)
    {
        var named = args.Length > 0 && !args[0].StartsWith('-') && !args[0].StartsWith('/');
        var command = named ? args[0] : "serve";
        if (!CommandOptions.TryGetValue(command, out var own))
            throw new SettingsException($"Unknown command '{command}'; {Usage}");
        var next = named ? 1 : 0;
        string? argument = null;
        if (command == "event-schemas")
        {
            if (args.Length <= next || args[next].StartsWith('-'))
                throw new SettingsException($"event-schemas needs the folder to write to (e.g. docs/events/schemas); {Usage}");
            argument = args[next++];
        }

        var options = new List<KeyValuePair<string, string>>();
        var repeatable = RepeatableOptions.GetValueOrDefault(command, []);
        var settings = new List<string>();
        for (var i = next; i < args.Length; i++)
        {
            var arg = args[i];
            var start = arg.StartsWith("--", StringComparison.Ordinal) ? 2 : arg.StartsWith('/') ? 1 : 0;
            if (start == 0)
            {
                throw new SettingsException(arg.StartsWith('-')
                    ? $"Unknown argument '{arg}': settings are written --Key=value or --Key value (one dash is not read); {Usage}"
                    : $"Unexpected argument '{arg}'; {Usage}");
            }
            var equals = arg.IndexOf('=');
            var key = equals < 0 ? arg[start..] : arg[start..equals];
            if (key.Length == 0 || key.Split(':').Any(part => part.Length == 0))
                throw new SettingsException($"Malformed argument '{arg}': expected --Section:Key=value or --Section:Key value; {Usage}");
            if (equals < 0 && SwitchOptions.GetValueOrDefault(command, []).Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                if (options.Any(o => o.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
                    throw new SettingsException($"'--{key}' is given twice.");
                options.Add(new(key.ToLowerInvariant(), "true"));
                continue;
            }
            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else
            {
                if (i + 1 >= args.Length) throw new SettingsException($"'{arg}' has no value: write {arg}=value or {arg} value.");
                value = args[i + 1];
                if (value.StartsWith("--", StringComparison.Ordinal))
                    throw new SettingsException($"'{arg}' has no value ('{value}' follows it): write {arg}=value or {arg} value.");
            }

            if (own.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                if (!repeatable.Contains(key, StringComparer.OrdinalIgnoreCase)
                    && options.Any(o => o.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
                    throw new SettingsException($"'--{key}' is given twice.");
                options.Add(new(key.ToLowerInvariant(), value));
            }
            else if (!KnownKeys.Contains(key.Split(':')[0]))
            {
                throw new SettingsException(own.Length > 0
                    ? $"Unknown argument '{arg}': {command} takes {string.Join(", ", own.Select(o => "--" + o))} " +
                        $"and settings of the sections the Host reads; {Usage}"
                    : $"Unknown setting '{arg}': no part of the Host reads '{key.Split(':')[0]}'; {Usage}");
            }
            else
            {
                settings.Add(arg);
                if (equals < 0) settings.Add(value);
            }
            if (equals < 0) i++;
        }
        return new CommandLine(command, options, argument, [.. settings]);
    }
}
