namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// Who this running instance is, in the leases it holds (worker number, relay). One per service container,
/// so two instances in one process (the tests do that) are two holders.
/// </summary>
internal sealed class InstanceIdentity
{
    /// <summary>Unique part first: lease columns are 80 characters and a long machine name is what gets cut.</summary>
    public string Holder { get; } = Truncate($"{Guid.NewGuid():N}:{Environment.ProcessId}:{Environment.MachineName}", 80);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
