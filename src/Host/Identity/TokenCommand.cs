using System.Globalization;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Host.Identity;

/// <summary>
/// `token --role USER --id 1001 [--hours 24]`: prints a token signed with the embedded key (Promotion:Auth:SigningKey,
/// else the data folder's key file, made if missing), in any environment: whoever can run it can read that folder.
/// </summary>
internal static class TokenCommand
{
    private const string Usage = "Usage: token --role MERCHANT|USER|SERVICE|OPERATOR --id <merchant or user id, or a service name> [--hours 24] [settings]";

    public static int Run(IReadOnlyDictionary<string, string> args, PromotionOptions options)
    {
        string? Value(string name) => args.TryGetValue(name, out var value) ? value : null;
        var role = Enum.GetValues<CallerRole>().Where(r => Caller.NameOf(r).Equals(Value("role"), StringComparison.OrdinalIgnoreCase)).Select(r => (CallerRole?)r).FirstOrDefault();
        var id = Value("id") ?? (role is CallerRole.Service or CallerRole.Operator ? Caller.NameOf(role.Value).ToLowerInvariant() : null);
        if (role is null || string.IsNullOrWhiteSpace(id)
            || !double.TryParse(Value("hours") ?? "24", NumberStyles.Float, CultureInfo.InvariantCulture, out var hours) || !(hours > 0 && hours <= 24 * 366))
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
            Console.WriteLine(new TokenIssuer(key, options.Auth.Issuer, options.Auth.Audience, TimeProvider.System).Issue(role.Value, id, TimeSpan.FromHours(hours)));
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
