namespace PromotionEngine.Platform.Web;

/// <summary>
/// Settings of the rate limits (section "RateLimits"). The defaults leave a flash sale's honest traffic alone: a user
/// claiming sends a handful of requests a second, and thousands of users behind one address (a carrier NAT, a
/// gateway whose address is not configured as a known proxy) are told apart by their tokens, never by the address.
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Failed authentications per client IP (a bad, expired or foreign token, or none where one is needed). Once an
    /// address has spent them, its requests are refused before any token is read, until the window ends: a flood of
    /// forged tokens costs no signature checks.
    /// </summary>
    public WindowLimit Unauthenticated { get; set; } = new() { PermitLimit = 1000 };

    /// <summary>POST /api/v1/claims.</summary>
    public GroupLimits Claims { get; set; } = new() { PerCaller = new() { PermitLimit = 50 } };

    /// <summary>/api/v1/me: the wallet and reminders.</summary>
    public GroupLimits Wallet { get; set; } = new() { PerCaller = new() { PermitLimit = 300 } };

    /// <summary>/api/v1/merchant: templates and distribution tasks.</summary>
    public GroupLimits Merchant { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>
    /// /api/v1/orders and /api/v1/settlement: a SERVICE caller is the order system, sized by the deployment, so no
    /// limit per caller by default.
    /// </summary>
    public GroupLimits Service { get; set; } = new();

    /// <summary>/api/v1/operator.</summary>
    public GroupLimits Operator { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>/api/v1/search: template search and exposure (anonymous shoppers too).</summary>
    public GroupLimits Search { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    /// <summary>Everything else: the OpenAPI document, Scalar, ping, unknown routes.</summary>
    public GroupLimits Other { get; set; } = new() { PerCaller = new() { PermitLimit = 1000 } };

    public static RateLimitOptions Read(IConfiguration configuration)
    {
        RateLimitOptions options;
        try
        {
            options = configuration.GetSection(Section).Get<RateLimitOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new RateLimitOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new SettingsException($"The {Section} settings cannot be read: {e.Message}");
        }
        foreach (var (name, limit) in options.Limits())
        {
            if (limit.PermitLimit < 0 || limit.Window <= TimeSpan.Zero || limit.Window > TimeSpan.FromDays(1))
                throw new SettingsException($"{Section}:{name}: PermitLimit is 0 (no limit) or more, Window more than 0 and at most 1.00:00:00.");
        }
        return options;
    }

    private IEnumerable<(string Name, WindowLimit Limit)> Limits()
    {
        yield return (nameof(Unauthenticated), Unauthenticated);
        foreach (var (name, group) in Groups())
        {
            yield return ($"{name}:{nameof(GroupLimits.PerCaller)}", group.PerCaller);
            yield return ($"{name}:{nameof(GroupLimits.PerIp)}", group.PerIp);
        }
    }

    /// <summary>The groups in the order <see cref="RateLimits.GroupOf"/> numbers them.</summary>
    public (string Name, GroupLimits Limits)[] Groups() =>
        [(nameof(Claims), Claims), (nameof(Wallet), Wallet), (nameof(Merchant), Merchant), (nameof(Service), Service),
         (nameof(Operator), Operator), (nameof(Search), Search), (nameof(Other), Other)];
}
