using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// The subscriptions this process serves. A consumer named "&lt;module&gt;.&lt;purpose&gt;" runs only where its
/// module's role is served (Promotion:Roles); a consumer of no known module runs everywhere.
/// </summary>
internal sealed class Subscriptions
{
    private readonly Dictionary<(string Consumer, string Subject), EventSubscription> _groups;
    private readonly Dictionary<string, EventSubscription[]> _groupsBySubject;
    private readonly Dictionary<string, EventSubscription[]> _instance;

    public Subscriptions(IEnumerable<EventSubscription> all, Roles roles)
    {
        var served = all.Where(s => roles.ServesConsumer(s.Consumer)).ToList();
        foreach (var twice in served.GroupBy(s => (s.Consumer, s.Subject, s.Delivery)).Where(g => g.Count() > 1))
            throw new InvalidOperationException($"Consumer {twice.Key.Consumer} subscribes to {twice.Key.Subject} twice.");
        _groups = served.Where(s => s.Delivery == EventDelivery.Group).ToDictionary(s => (s.Consumer, s.Subject));
        _groupsBySubject = _groups.Values.GroupBy(s => s.Subject).ToDictionary(g => g.Key, g => g.ToArray());
        _instance = served.Where(s => s.Delivery == EventDelivery.EveryInstance).GroupBy(s => s.Subject).ToDictionary(g => g.Key, g => g.ToArray());
        GroupConsumers = _groups.Keys.Select(k => k.Consumer).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The consumer groups this process takes part in.</summary>
    public IReadOnlyList<string> GroupConsumers { get; }

    /// <summary>Every subject some group consumer here wants, with its consumers.</summary>
    public IEnumerable<EventSubscription> Groups => _groups.Values;

    public IEnumerable<string> InstanceSubjects => _instance.Keys;

    public bool HasInstanceSubscriptions => _instance.Count > 0;

    public EventSubscription? Group(string consumer, string subject) => _groups.GetValueOrDefault((consumer, subject));

    public IReadOnlyList<EventSubscription> GroupsFor(string subject) => _groupsBySubject.GetValueOrDefault(subject) ?? [];

    public IReadOnlyList<EventSubscription> InstanceFor(string subject) => _instance.GetValueOrDefault(subject) ?? [];
}
