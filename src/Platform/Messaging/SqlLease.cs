using Dapper;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// A named lease in msg_leases: one holder at a time, lapsing unless renewed, so work that must run in one
/// instance (the relay keeps per-partition order) passes to another when its holder dies.
/// </summary>
internal sealed class SqlLease(IDatabase db, TimeProvider clock, InstanceIdentity instance, string name, TimeSpan length)
{
    private readonly string _holder = instance.Holder;
    private DateTimeOffset? _heldUntil;

    /// <summary>True while this instance holds the lease; takes or renews it when half its length has passed.</summary>
    public async Task<bool> HoldAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_heldUntil is { } until0 && now < until0 - length / 2) return true;
        var nowMs = UtcMillis.From(now);
        var until = now + length;
        await using var scope = await db.BeginWriteAsync(ct);
        var args = new { Name = name, Holder = _holder, Now = nowMs, Until = UtcMillis.From(until) };
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE msg_leases SET holder = @Holder, expires_at = @Until WHERE name = @Name AND (holder = @Holder OR expires_at < @Now)",
            args, scope.Transaction, cancellationToken: ct));
        var holder = await scope.Connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT holder FROM msg_leases WHERE name = @Name", args, scope.Transaction, cancellationToken: ct));
        if (holder is null)
        {
            try
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO msg_leases (name, holder, expires_at) VALUES (@Name, @Holder, @Until)", args,
                    scope.Transaction, cancellationToken: ct));
                holder = _holder;
            }
            catch (System.Data.Common.DbException e) when (db.IsUniqueViolation(e))
            {
                return false; // another instance took it first
            }
        }
        await scope.CommitAsync(ct);
        _heldUntil = holder == _holder ? until : null;
        return holder == _holder;
    }

    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_heldUntil is null) return;
        _heldUntil = null;
        await using var scope = await db.BeginWriteAsync(ct);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM msg_leases WHERE name = @Name AND holder = @Holder", new { Name = name, Holder = _holder },
            scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }
}
