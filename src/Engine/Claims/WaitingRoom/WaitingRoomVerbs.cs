using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>A ticket as its holder sees it at <see cref="Now"/>.</summary>
internal sealed record TicketView(string Text, WaitingRoomTicket Ticket, AdmissionSchedule Schedule, DateTimeOffset Now, int MaxRetryAfter)
{
    public long Position => Schedule.Position(Ticket.Number, Now);
    public bool Admitted => Position == 0;
    public int? RetryAfterSeconds => Admitted ? null : Schedule.SecondsUntilAdmitted(Ticket.Number, Now, MaxRetryAfter);
}

/// <summary>A ticket's answer: where it stands, or why not.</summary>
internal readonly record struct TicketAnswer(TicketView? View, Refusal? Refusal, bool IsNew = false);

/// <summary>A user joins a template's line: the number they hold, or the next one at the back (docs/waiting-room.md).</summary>
internal sealed class TakeTicket(
    ICouponTemplateCatalog catalog, WaitingRoomSettings rooms, IWaitingLine line, TicketSigner signer, TimeProvider clock,
    WaitingRoomMetrics metrics, IOptions<EngineOptions> options)
{
    public async Task<TicketAnswer> HandleAsync(UserId user, TemplateId templateId, CancellationToken ct)
    {
        var template = await catalog.FindAsync(templateId, ct);
        if (template is null) return new(null, new Refusal(ErrorCodes.TemplateNotFound, $"No template {templateId}.", "templateId"));
        var now = clock.GetUtcNow();
        if (template.Terminated) return new(null, new Refusal(ErrorCodes.Terminated, "The merchant stopped this template."));
        if (now >= template.ValidUntil) return new(null, new Refusal(ErrorCodes.Ended, "The template's claim window has passed."));
        if (await rooms.FindAsync(templateId, ct) is not { } room) return new(null, WaitingRoomRefusals.NoRoom);
        var schedule = room.From(template.ValidFrom);
        if (now >= schedule.End) return new(null, WaitingRoomRefusals.Over(schedule));
        // The line is kept a day past the admission phase: long enough for every late poll, short enough to leave Redis clean.
        var taken = await line.TakeAsync(templateId, user, schedule.FirstUsable(now), schedule.End + TimeSpan.FromDays(1), ct);
        var ticket = new WaitingRoomTicket(templateId, user, taken.Number);
        var view = new TicketView(signer.Sign(ticket), ticket, schedule, now, options.Value.WaitingRoom.MaxRetryAfterSeconds);
        metrics.Ticket(taken.IsNew);
        metrics.Told(view.Position);
        return new(view, null, taken.IsNew);
    }
}

/// <summary>The holder asks where their ticket stands (the client polls this until admitted).</summary>
internal sealed class CheckTicket(
    ICouponTemplateCatalog catalog, WaitingRoomSettings rooms, TicketSigner signer, TimeProvider clock, WaitingRoomMetrics metrics,
    IOptions<EngineOptions> options)
{
    public async Task<TicketAnswer> HandleAsync(UserId user, string? text, CancellationToken ct)
    {
        if (WaitingRoomRefusals.Read(signer, text, user, null) is not { } ticket) return new(null, WaitingRoomRefusals.Invalid);
        var template = await catalog.FindAsync(ticket.Template, ct);
        if (template is null || await rooms.FindAsync(ticket.Template, ct) is not { } room) return new(null, WaitingRoomRefusals.NoRoom);
        var schedule = room.From(template.ValidFrom);
        var now = clock.GetUtcNow();
        if (now >= schedule.End) return new(null, WaitingRoomRefusals.Over(schedule));
        if (now >= schedule.UsableUntil(ticket.Number)) return new(null, WaitingRoomRefusals.Expired(schedule, ticket));
        var view = new TicketView(text!, ticket, schedule, now, options.Value.WaitingRoom.MaxRetryAfterSeconds);
        metrics.Told(view.Position);
        return new(view, null);
    }
}

/// <summary>
/// The claim's door while a template's room admits: only an admitted ticket of this user and template, within its turn, passes.
/// Before the start and after the admission phase every claim passes (the claim itself says NOT_STARTED before the start); a
/// template without a room costs one probe of <see cref="WaitingRoomSettings"/>' memory.
/// </summary>
internal sealed class AdmitClaim(
    ICouponTemplateCatalog catalog, WaitingRoomSettings rooms, TicketSigner signer, TimeProvider clock, WaitingRoomMetrics metrics,
    IOptions<EngineOptions> options)
{
    /// <summary>Null: the claim goes on. Else the refusal (WAITING_ROOM_NOT_ADMITTED carries retryAfterSeconds for the header).</summary>
    public async Task<Refusal?> RefusalAsync(UserId user, TemplateId templateId, string? text, CancellationToken ct)
    {
        if (await rooms.FindAsync(templateId, ct) is not { } room) return null;
        if (await catalog.FindAsync(templateId, ct) is not { } template) return null;
        var schedule = room.From(template.ValidFrom);
        var now = clock.GetUtcNow();
        if (!schedule.Admitting(now)) return null;
        var (decision, refusal) = Decide(user, templateId, text, schedule, now);
        metrics.Checked(decision);
        return refusal;
    }

    private (string, Refusal?) Decide(UserId user, TemplateId templateId, string? text, AdmissionSchedule schedule, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(text)) return ("ticket_required", WaitingRoomRefusals.Required(schedule));
        if (WaitingRoomRefusals.Read(signer, text, user, templateId) is not { } ticket) return ("invalid", WaitingRoomRefusals.Invalid);
        var position = schedule.Position(ticket.Number, now);
        if (position > 0)
        {
            var retry = schedule.SecondsUntilAdmitted(ticket.Number, now, options.Value.WaitingRoom.MaxRetryAfterSeconds);
            return ("not_admitted", WaitingRoomRefusals.NotAdmitted(position, schedule.AdmitsAt(ticket.Number), retry));
        }
        if (now >= schedule.UsableUntil(ticket.Number)) return ("expired", WaitingRoomRefusals.Expired(schedule, ticket));
        return ("admitted", null);
    }
}

/// <summary>The waiting room's refusals, worded once.</summary>
internal static class WaitingRoomRefusals
{
    public const string Header = "Waiting-Room-Ticket";

    public const string HeaderRule = "The admitted ticket of the template's waiting room (POST /api/v1/waiting-room/tickets): required while "
        + "it admits, ignored otherwise (docs/waiting-room.md).";

    public static readonly Refusal NoRoom = new(ErrorCodes.WaitingRoomNotOpen, "This template has no waiting room: claim without a ticket.");

    public static readonly Refusal Invalid = new(ErrorCodes.WaitingRoomTicketInvalid,
        "This is not a ticket of this user for this template (or it was changed).", Header);

    public static Refusal Over(AdmissionSchedule s) => new(ErrorCodes.WaitingRoomNotOpen,
        $"The waiting room admitted until {s.End:O}: claim without a ticket.");

    public static Refusal Required(AdmissionSchedule s) => new(ErrorCodes.WaitingRoomTicketRequired,
        $"The waiting room admits claims by ticket until {s.End:O}: take a ticket and claim once it is admitted.", null,
        new Dictionary<string, object?> { ["admissionEndsAt"] = s.End });

    public static Refusal NotAdmitted(long position, DateTimeOffset admitsAt, int retryAfter) => new(ErrorCodes.WaitingRoomNotAdmitted,
        $"{position} tickets to go before this one; it is admitted at {admitsAt:O}.", null,
        new Dictionary<string, object?> { ["position"] = position, ["admitsAt"] = admitsAt, ["retryAfterSeconds"] = retryAfter });

    public static Refusal Expired(AdmissionSchedule s, WaitingRoomTicket t) => new(ErrorCodes.WaitingRoomTicketExpired,
        $"This ticket's turn ended at {s.UsableUntil(t.Number):O}: take a new one.", null,
        new Dictionary<string, object?> { ["usableUntil"] = s.UsableUntil(t.Number) });

    /// <summary>The ticket in <paramref name="text"/> when it is ours, the user's and (if given) the template's.</summary>
    public static WaitingRoomTicket? Read(TicketSigner signer, string? text, UserId user, TemplateId? template) =>
        signer.Read(text) is { } t && t.User == user && (template is null || t.Template == template) ? t : null;
}
