using System.Globalization;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform;
using PromotionEngine.Platform.Identity;

namespace PromotionEngine.Host.Commands;

/// <summary>
/// `token --role USER --id 1001 [--hours 24]`: prints a token signed with the embedded key (Promotion:Auth:SigningKey,
/// else the data folder's key file, made if missing), in any environment: whoever can run it can read that folder.
/// Several `--role … --id …` pairs print one token per line, in order (one start-up for all of them); each `--id` is the
/// id of the `--role` before it.
/// </summary>
internal static class TokenCommand
{
    private const string Usage =
        "Usage: token --role MERCHANT|USER|SERVICE|OPERATOR --id <merchant or user id, or a service name> [--role … --id …] [--hours 24] [settings]";

    public static int Run(IReadOnlyList<KeyValuePair<string, string>> args, PromotionOptions options)
    {
        var wanted = Requests(args);
        var hoursText = args.Where(a => a.Key == "hours").Select(a => a.Value).FirstOrDefault();
        if (wanted is null || !double.TryParse(hoursText ?? "24", NumberStyles.Float, CultureInfo.InvariantCulture, out var hours)
            || !(hours > 0 && hours <= 24 * 366))
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

    /// <summary>
    /// The (role, id) pairs asked for; null when one is malformed. With one --role, --id may stand anywhere (the original form);
    /// with several, each --id belongs to the --role before it. SERVICE and OPERATOR default their id to the role's name.
    /// </summary>
    private static List<(CallerRole Role, string Id)>? Requests(IReadOnlyList<KeyValuePair<string, string>> args)
    {
        var pairs = args.Where(a => a.Key is "role" or "id").ToList();
        var roleCount = pairs.Count(p => p.Key == "role");
        if (roleCount == 0) return null;
        if (roleCount == 1 && pairs.Count(p => p.Key == "id") > 1) return null;
        if (roleCount == 1) pairs = [.. pairs.Where(p => p.Key == "role"), .. pairs.Where(p => p.Key == "id")];
        if (pairs[0].Key != "role") return null;
        var requests = new List<(CallerRole, string)>();
        for (var i = 0; i < pairs.Count; i++)
        {
            var role = Enum.GetValues<CallerRole>().Where(r => Caller.NameOf(r).Equals(pairs[i].Value, StringComparison.OrdinalIgnoreCase))
                .Select(r => (CallerRole?)r).FirstOrDefault();
            if (role is null) return null;
            string? id = null;
            if (i + 1 < pairs.Count && pairs[i + 1].Key == "id") id = pairs[++i].Value;
            else if (i + 1 < pairs.Count && pairs[i + 1].Key != "role") return null;
            id ??= role is CallerRole.Service or CallerRole.Operator ? Caller.NameOf(role.Value).ToLowerInvariant() : null;
            if (string.IsNullOrWhiteSpace(id)) return null;
            requests.Add((role.Value, id));
        }
        return requests;
    }
}
