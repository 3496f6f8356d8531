namespace PromotionEngine.Kernel.Identity;

/// <summary>
/// Which service identities (token subjects, e.g. "service:order-service") may act on what another one started: an
/// order's coupons, its settlement record and a quote answer only to the service that locked or made them, unless both
/// are in the trusted group (<c>Engine:TrustedServices</c>), whose members act for each other. Order events come from no
/// caller: the order saga acts as <see cref="OrderEventsService"/> (<c>Engine:OrderEventsService</c>), the identity of
/// the order system that publishes them.
/// </summary>
public sealed class ServiceTrust
{
    public const string TrustedServicesSetting = "Engine:TrustedServices";
    public const string OrderEventsServiceSetting = "Engine:OrderEventsService";
    public const string DefaultOrderEventsService = "service:order-service";

    private readonly HashSet<string> _trusted;

    public ServiceTrust(IEnumerable<string>? trusted = null, string? orderEventsService = null)
    {
        _trusted = new HashSet<string>((trusted ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()), StringComparer.Ordinal);
        OrderEventsService = string.IsNullOrWhiteSpace(orderEventsService) ? DefaultOrderEventsService : orderEventsService.Trim();
    }

    /// <summary>Who the order saga's steps act as: its locks and settlement records are this service's.</summary>
    public string OrderEventsService { get; }

    public IReadOnlyCollection<string> Trusted => _trusted;

    /// <summary>
    /// True when <paramref name="caller"/> may act on what <paramref name="owner"/> started: the same identity, or both in the
    /// trusted group. A null owner is a record from before owners were kept: anyone, as then.
    /// </summary>
    public bool MayActFor(string caller, string? owner) =>
        owner is null || string.Equals(caller, owner, StringComparison.Ordinal) || (_trusted.Contains(caller) && _trusted.Contains(owner));
}
