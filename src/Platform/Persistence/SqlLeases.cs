using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;

namespace PromotionEngine.Platform.Persistence;

/// <summary>The modules' <see cref="ILeases"/>: the outbox relay's <see cref="SqlLease"/> (msg_leases), under this instance's identity.</summary>
internal sealed class SqlLeases(IDatabase db, TimeProvider clock, InstanceIdentity instance) : ILeases
{
    public ILease Named(string name, TimeSpan length) => new Held(new SqlLease(db, clock, instance, name, length));

    private sealed class Held(SqlLease lease) : ILease
    {
        public Task<bool> HoldAsync(CancellationToken ct) => lease.HoldAsync(ct);

        public Task ReleaseAsync(CancellationToken ct) => lease.ReleaseAsync(ct);
    }
}
