using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Host.Identity;

/// <summary>
/// `token --role USER --id 1001 [--hours 24]`: prints a token signed with the embedded key. Several `--role … --id …`
/// pairs print one token per line, in order (one start-up for all of them); each `--id` is the id of the `--role` before it.
/// </summary>
internal static class TokenCommand
{
    private const string Usage =
        "Usage: token --role MERCHANT|USER|SERVICE|OPERATOR --id <merchant or user id, or a service name> [--role … --id …] [--hours 24]";

    public static int Run(string[] args, PromotionOptions options)
    {
        var wanted = Requests(args);
        if (wanted is null || !double.TryParse(Value(args, "--hours") ?? "24", out var hours) || hours <= 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (!string.IsNullOrWhiteSpace(options.Auth.Authority))
        {
            Console.Error.WriteLine("Promotion:Auth:Authority is set: tokens come from that issuer, not from this command.");
            return 2;
        }
        try
        {
            var key = SigningKeys.Resolve(options.Auth, options.DataDirectory);
            var issuer = new TokenIssuer(key, options.Auth.Issuer, options.Auth.Audience, TimeProvider.System);
            var tokens = wanted.Select(w => issuer.Issue(w.Role, w.Id, TimeSpan.FromHours(hours))).ToList(); // all or none printed
            foreach (var token in tokens) Console.WriteLine(token);
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static string? Value(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    /// <summary>
    /// The (role, id) pairs asked for; null when one is malformed. With one --role, --id may stand anywhere (the original form);
    /// with several, each --id belongs to the --role before it. SERVICE and OPERATOR default their id to the role's name.
    /// </summary>
    private static List<(CallerRole Role, string Id)>? Requests(string[] args)
    {
        var roles = Enumerable.Range(0, args.Length).Where(i => args[i] == "--role").ToList();
        if (roles.Count == 0) return null;
        var requests = new List<(CallerRole, string)>();
        for (var n = 0; n < roles.Count; n++)
        {
            var roleText = roles[n] + 1 < args.Length ? args[roles[n] + 1] : null;
            var end = n + 1 < roles.Count ? roles[n + 1] : args.Length;
            var id = roles.Count == 1 ? Value(args, "--id") : Value(args[roles[n]..end], "--id");
            id ??= roleText?.ToUpperInvariant() is "SERVICE" or "OPERATOR" ? roleText.ToLowerInvariant() : null;
            if (!Enum.TryParse<CallerRole>(roleText, ignoreCase: true, out var role) || id is null) return null;
            requests.Add((role, id));
        }
        return requests;
    }
}
