using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Host.Identity;

/// <summary>`token --role USER --id 1001 [--hours 24]`: prints a token signed with the embedded key.</summary>
internal static class TokenCommand
{
    public static int Run(string[] args, PromotionOptions options)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var roleText = Value("--role");
        var id = Value("--id") ?? (roleText?.ToUpperInvariant() is "SERVICE" or "OPERATOR" ? roleText.ToLowerInvariant() : null);
        if (!Enum.TryParse<CallerRole>(roleText, ignoreCase: true, out var role) || id is null || !double.TryParse(Value("--hours") ?? "24", out var hours) || hours <= 0)
        {
            Console.Error.WriteLine("Usage: token --role MERCHANT|USER|SERVICE|OPERATOR --id <merchant or user id, or a service name> [--hours 24]");
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
            Console.WriteLine(new TokenIssuer(key, options.Auth.Issuer, options.Auth.Audience, TimeProvider.System).Issue(role, id, TimeSpan.FromHours(hours)));
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }
}
