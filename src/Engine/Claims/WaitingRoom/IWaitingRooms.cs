using System.Collections.Concurrent;
using System.Diagnostics;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>The templates' waiting rooms, as merchants set them (en_waiting_rooms, Engine V1_89).</summary>
internal interface IWaitingRooms
{
    Task<TemplateWaitingRoom?> FindAsync(TemplateId template, CancellationToken ct);

    /// <summary>Sets the template's room, or changes it.</summary>
    Task SaveAsync(TemplateWaitingRoom room, CancellationToken ct);

    /// <summary>False when the template had none.</summary>
    Task<bool> RemoveAsync(TemplateId template, CancellationToken ct);
}

/// <summary>
/// Every claim asks whether its template has a waiting room: this answers from memory, read again after <see cref="Freshness"/>
/// (as the template catalog does), so a claim of a template without one costs a dictionary probe. Claims that find the copy
/// expired share one read of it (before, each claim in flight at the expiry read it: up to ~10 reads per group-commit batch).
/// Another instance's change is seen within <see cref="Freshness"/>; this instance's own at once. Freshness is measured on the
/// machine's clock, not the engine's <see cref="TimeProvider"/>: it bounds how stale a copy is, which is not business time.
/// </summary>
internal sealed class WaitingRoomSettings(IWaitingRooms rooms)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<long, (TemplateWaitingRoom? Room, long ReadAt)> _copies = new();
    private readonly SharedReads<long, TemplateWaitingRoom?> _reading = new();
    private long _changes;

    public Task<TemplateWaitingRoom?> FindAsync(TemplateId template, CancellationToken ct) =>
        _copies.TryGetValue(template.Value, out var copy) && Stopwatch.GetElapsedTime(copy.ReadAt) < Freshness
            ? Task.FromResult(copy.Room)
            : _reading.ReadAsync(template.Value, ReadAsync, ct);

    private async Task<TemplateWaitingRoom?> ReadAsync(long template)
    {
        var changesBefore = Interlocked.Read(ref _changes);
        var readAt = Stopwatch.GetTimestamp();
        var room = await rooms.FindAsync(new TemplateId(template), CancellationToken.None);
        if (Interlocked.Read(ref _changes) == changesBefore) _copies[template] = (room, readAt); // a read older than a change is not kept
        return room;
    }

    public async Task SaveAsync(TemplateWaitingRoom room, CancellationToken ct)
    {
        await rooms.SaveAsync(room, ct);
        Forget(room.Template);
    }

    public async Task<bool> RemoveAsync(TemplateId template, CancellationToken ct)
    {
        var removed = await rooms.RemoveAsync(template, ct);
        Forget(template);
        return removed;
    }

    private void Forget(TemplateId template)
    {
        Interlocked.Increment(ref _changes);
        _reading.Forget(template.Value);
        _copies.TryRemove(template.Value, out _);
    }
}
