using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims.WaitingRoom;

/// <summary>
/// The waiting rooms' settings every claim asks for (WaitingRoomSettings): claims that miss a template's copy at once share one
/// read of it, and a change while it is read makes later callers read it anew.
/// </summary>
public class ReadingWaitingRoomSettings
{
    private static readonly TemplateWaitingRoom Room = new(new TemplateId(77), 100, 30, 120, DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Claims_that_miss_a_template_s_room_at_once_share_one_read_and_all_get_it()
    {
        var stored = new HeldRooms(Room);
        var settings = new WaitingRoomSettings(stored);

        var claims = Enumerable.Range(0, 50).Select(_ => settings.FindAsync(Room.Template, CancellationToken.None)).ToList();
        Assert.Equal(1, stored.Reads);
        stored.Release();

        Assert.All(await Task.WhenAll(claims), r => Assert.Equal(Room, r));
        Assert.Equal(Room, await settings.FindAsync(Room.Template, CancellationToken.None)); // from the copy now
        Assert.Equal(1, stored.Reads);
    }

    [Fact]
    public async Task A_change_while_a_room_is_read_makes_later_callers_read_it_anew()
    {
        var stored = new HeldRooms(Room);
        var settings = new WaitingRoomSettings(stored);

        var before = settings.FindAsync(Room.Template, CancellationToken.None);
        await settings.RemoveAsync(Room.Template, CancellationToken.None);
        var after = settings.FindAsync(Room.Template, CancellationToken.None);
        stored.Release();
        await Task.WhenAll(before, after);

        Assert.Equal(2, stored.Reads);
    }

    /// <summary>One template's room whose reads wait until the test releases them, counted.</summary>
    private sealed class HeldRooms(TemplateWaitingRoom room) : IWaitingRooms
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public void Release() => _released.TrySetResult();

        public async Task<TemplateWaitingRoom?> FindAsync(TemplateId template, CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            await _released.Task;
            return template == room.Template ? room : null;
        }

        public Task SaveAsync(TemplateWaitingRoom room, CancellationToken ct) => throw new NotSupportedException();

        public Task<bool> RemoveAsync(TemplateId template, CancellationToken ct) => Task.FromResult(true);
    }
}
