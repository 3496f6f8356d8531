using System.Collections;
using System.Diagnostics;
using System.Text.Json;
using Xunit.Sdk;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// The one way the system tests wait for the engine (after kgrzybek's Poller): look with a probe until what it sees
/// holds or the deadline passes, then fail naming what was awaited and the last thing the probe saw. There is always a
/// look at or after the deadline, so a slow machine fails only when the engine really is late. Never a fixed sleep.
/// A probe that throws ends the wait at once: a wrong answer on the way is a failure, not a "not yet".
/// </summary>
public static class Polling
{
    /// <summary>The pause between looks when the caller names none.</summary>
    public static readonly TimeSpan Often = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Looks with <paramref name="probe"/> until <paramref name="holds"/> is true of what it saw, and returns that; fails
    /// after <paramref name="timeout"/> with <paramref name="describe"/> and the last value seen. <paramref name="between"/>
    /// runs after each look that did not hold (e.g. moving the app's fake clock so its timers fall due).
    /// </summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> holds, TimeSpan timeout, string describe,
        TimeSpan? every = null, Action? between = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var last = waited.Elapsed >= timeout; // decided before the look, so the last look starts at or after the deadline
            var seen = await probe();
            if (holds(seen)) return seen;
            if (last)
                throw new XunitException($"Waited {timeout.TotalSeconds:0.###} s for {describe}; the last look saw: {Show(seen)}");
            between?.Invoke();
            await Task.Delay(every ?? Often);
        }
    }

    /// <summary>As above, for a probe that answers yes or no.</summary>
    public static Task<bool> Eventually(Func<Task<bool>> probe, TimeSpan timeout, string describe, TimeSpan? every = null, Action? between = null) =>
        Eventually(probe, held => held, timeout, describe, every, between);

    /// <summary>
    /// Tries <paramref name="attempt"/> until it no longer throws <typeparamref name="TNotYet"/> (a server that is still
    /// starting); any other exception ends the wait. The last <typeparamref name="TNotYet"/> is the last thing seen.
    /// </summary>
    public static Task<TNotYet?> EventuallySucceeds<TNotYet>(Func<Task> attempt, TimeSpan timeout, string describe, TimeSpan? every = null)
        where TNotYet : Exception =>
        Eventually(async () =>
        {
            try
            {
                await attempt();
                return null;
            }
            catch (TNotYet notYet)
            {
                return notYet;
            }
        }, notYet => notYet is null, timeout, describe, every);

    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private const int MostShown = 2000;

    private static string Show(object? seen)
    {
        var text = seen switch
        {
            null => "nothing",
            string s => s,
            JsonElement { ValueKind: JsonValueKind.Undefined } => "nothing",
            JsonElement json => json.GetRawText(),
            Exception e => $"{e.GetType().Name}: {e.Message}",
            IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
            _ => seen.ToString() ?? "",
        };
        return text.Length <= MostShown ? text : text[..MostShown] + $"… ({text.Length} characters)";
    }
}
