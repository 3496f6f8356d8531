using System.Collections.Concurrent;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>
/// The order tickets were taken in: one number per user per template, from 1. Shared by every instance on the Redis path
/// (<c>RedisWaitingLine</c>); the embedded default keeps it in the process (<see cref="InProcessWaitingLine"/>).
/// </summary>
internal interface IWaitingLine
{
    /// <summary>
    /// The user's number in the template's line: the one they hold when it is <paramref name="firstUsable"/> or more (asking again
    /// never moves anyone forward), else the next one at the back. <paramref name="keepUntil"/>: the line may be forgotten after it.
    /// </summary>
    Task<TakenNumber> TakeAsync(TemplateId template, UserId user, long firstUsable, DateTimeOffset keepUntil, CancellationToken ct);
}

/// <param name="IsNew">False when the user already held it.</param>
internal readonly record struct TakenNumber(long Number, bool IsNew);

/// <summary>The embedded default's line: in this process only (a restart starts every line again from 1).</summary>
internal sealed class InProcessWaitingLine : IWaitingLine
{
    private sealed class Line
    {
        public long Last;
        public readonly Dictionary<long, long> Users = [];
    }

    private readonly ConcurrentDictionary<long, Line> _lines = new();

    public Task<TakenNumber> TakeAsync(TemplateId template, UserId user, long firstUsable, DateTimeOffset keepUntil, CancellationToken ct)
    {
        var line = _lines.GetOrAdd(template.Value, _ => new Line());
        lock (line)
        {
            if (line.Users.TryGetValue(user.Value, out var held) && held >= firstUsable) return Task.FromResult(new TakenNumber(held, false));
            var number = ++line.Last;
            line.Users[user.Value] = number;
            return Task.FromResult(new TakenNumber(number, true));
        }
    }
}
