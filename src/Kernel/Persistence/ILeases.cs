namespace PromotionEngine.Kernel.Persistence;

/// <summary>
/// Named leases in the database: work that must run in one instance at a time (a sweep two instances would both do) takes one
/// before each run. A lease lapses unless its holder renews it, so the work passes to another instance when its holder dies.
/// </summary>
public interface ILeases
{
    /// <summary>This instance's handle on the lease <paramref name="name"/>, held for <paramref name="length"/> at a time.</summary>
    ILease Named(string name, TimeSpan length);
}

public interface ILease
{
    /// <summary>True while this instance holds the lease: takes it when free or lapsed, renews it once half its length has passed.</summary>
    Task<bool> HoldAsync(CancellationToken ct);

    /// <summary>Gives the lease up (if held), so another instance may take it at once.</summary>
    Task ReleaseAsync(CancellationToken ct);
}
