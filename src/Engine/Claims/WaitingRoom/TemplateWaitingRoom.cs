using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>
/// A template's waiting room (docs/waiting-room.md), as its merchant set it: from the claim start, tickets are admitted in the order they
/// were taken, <see cref="AdmitPerSecond"/> a second; for <see cref="AdmissionMinutes"/> a claim needs an admitted ticket, which may
/// claim for <see cref="AdmittedForSeconds"/> from its admission.
/// </summary>
internal sealed record TemplateWaitingRoom(
    TemplateId Template, int AdmitPerSecond, int AdmissionMinutes, int AdmittedForSeconds, DateTimeOffset UpdatedAt)
{
    public const int DefaultAdmissionMinutes = 30;
    public const int DefaultAdmittedForSeconds = 120;

    /// <summary>The room's line on the clock of a template whose claims open at <paramref name="start"/>.</summary>
    public AdmissionSchedule From(DateTimeOffset start) => new(start, AdmitPerSecond, TimeSpan.FromMinutes(AdmissionMinutes),
        TimeSpan.FromSeconds(AdmittedForSeconds));
}

/// <summary>
/// When each ticket is admitted: numbers 1..rate at the start, the next rate one second later, and so on. A pure function of the
/// start, the rate and the number, so every instance answers the same without asking the others (only numbering needs the shared line).
/// </summary>
internal readonly record struct AdmissionSchedule(DateTimeOffset Start, int AdmitPerSecond, TimeSpan Admission, TimeSpan AdmittedFor)
{
    public DateTimeOffset End => Start + Admission;

    /// <summary>Claims need an admitted ticket now.</summary>
    public bool Admitting(DateTimeOffset now) => now >= Start && now < End;

    public DateTimeOffset AdmitsAt(long number) => Start + TimeSpan.FromSeconds((number - 1) / AdmitPerSecond);

    public DateTimeOffset UsableUntil(long number) => AdmitsAt(number) + AdmittedFor;

    /// <summary>How many tickets (the lowest numbers) are admitted by <paramref name="now"/>.</summary>
    public long AdmittedBy(DateTimeOffset now) => now < Start ? 0 : ((now - Start).Ticks / TimeSpan.TicksPerSecond + 1) * AdmitPerSecond;

    /// <summary>Tickets still to be admitted up to and including <paramref name="number"/>; 0 once it is.</summary>
    public long Position(long number, DateTimeOffset now) => Math.Max(0, number - AdmittedBy(now));

    /// <summary>
    /// The lowest number whose turn is not over at <paramref name="now"/>: a user whose ticket is below it gets a new one, at the back.
    /// </summary>
    public long FirstUsable(DateTimeOffset now)
    {
        var over = now - Start - AdmittedFor; // a ticket admitted k whole seconds after the start is usable while k s > over
        if (over < TimeSpan.Zero) return 1;
        var seconds = over.Ticks / TimeSpan.TicksPerSecond + 1;
        return seconds * AdmitPerSecond + 1;
    }

    /// <summary>Whole seconds (at least 1, at most <paramref name="cap"/>) until <paramref name="number"/> is admitted.</summary>
    public int SecondsUntilAdmitted(long number, DateTimeOffset now, int cap)
    {
        var wait = AdmitsAt(number) - now;
        return (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 1, cap);
    }
}
