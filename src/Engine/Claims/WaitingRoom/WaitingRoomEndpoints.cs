using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Claims.WaitingRoom;

/// <summary>
/// The waiting room of a scheduled drop (docs/waiting-room.md): the merchant sets it on a template before its claims open; users
/// take a ticket, poll its position, and claim (POST /api/v1/claims) with it in the Waiting-Room-Ticket header once admitted.
/// </summary>
internal static class WaitingRoomEndpoints
{
    public static void MapWaitingRoomEndpoints(this IEndpointRouteBuilder app)
    {
        var merchant = app.MapGroup("/api/v1/merchant/waiting-rooms").WithTags("Waiting room").RequireAuthorization(AudienceEndpoints.MerchantPolicy);
        merchant.MapPut("{templateId:long:regex(^[0-9]+$)}", SetAsync).WithName("SetWaitingRoom").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Set a template's waiting room")
            .WithDescription("Before the template's claims open, turns on (or changes) its fair waiting room: from the claim start, tickets "
                + "are admitted in the order they were taken, admitPerSecond a second, and for admissionMinutes a claim needs an admitted "
                + "ticket. Once the claims are open it can no longer change (CLAIMS_ALREADY_OPEN). Other instances see it within 2 s.")
            .Answers<WaitingRoomResponse>(StatusCodes.Status200OK, "The waiting room as set.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound, ErrorCodes.Terminated, ErrorCodes.ClaimsAlreadyOpen)
            .Example(WaitingRoomExamples.Set);
        merchant.MapGet("{templateId:long:regex(^[0-9]+$)}", GetAsync).WithName("GetWaitingRoom")
            .WithSummary("Get a template's waiting room")
            .WithDescription("The template's waiting room and when it admits. Another merchant's template is not found (never 403).")
            .Answers<WaitingRoomResponse>(StatusCodes.Status200OK, "The waiting room.")
            .Refuses(ErrorCodes.TemplateNotFound, ErrorCodes.WaitingRoomNotOpen)
            .Example(WaitingRoomExamples.Found);
        merchant.MapDelete("{templateId:long:regex(^[0-9]+$)}", RemoveAsync).WithName("RemoveWaitingRoom")
            .WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Remove a template's waiting room")
            .WithDescription("Before the template's claims open, turns its waiting room off: claims will need no ticket.")
            .AnswersEmpty(StatusCodes.Status204NoContent, "Removed.")
            .Refuses(ErrorCodes.TemplateNotFound, ErrorCodes.Terminated, ErrorCodes.WaitingRoomNotOpen, ErrorCodes.ClaimsAlreadyOpen)
            .Example(WaitingRoomExamples.Removed);

        var user = app.MapGroup("/api/v1/waiting-room").WithTags("Waiting room").RequireAuthorization(EnginePolicies.User);
        user.MapPost("tickets", TakeAsync).WithName("TakeWaitingRoomTicket").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Take a ticket for a scheduled drop")
            .WithDescription("Joins the template's line: before the claims open, or while its waiting room admits. The ticket is signed for "
                + "this user and template. Asking again answers the same ticket (200), never a better place; once its turn is over, a new "
                + "one at the back (201).")
            .Answers<WaitingRoomTicketResponse>(StatusCodes.Status201Created, "A new ticket, at the back of the line.")
            .Answers<WaitingRoomTicketResponse>(StatusCodes.Status200OK, "The ticket the user holds already.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound, ErrorCodes.Terminated, ErrorCodes.Ended,
                ErrorCodes.WaitingRoomNotOpen, ErrorCodes.ClaimsUnavailable)
            .Example(WaitingRoomExamples.Taken).Example(WaitingRoomExamples.TakenAgain);
        user.MapGet("position", PositionAsync).WithName("GetWaitingRoomPosition")
            .WithSummary("Where my ticket stands")
            .WithDescription("The ticket's position and whether it is admitted. While it waits the answer carries Retry-After (and "
                + "retryAfterSeconds): poll again then. Once admitted, claim with the ticket in the Waiting-Room-Ticket header before "
                + "usableUntil.")
            .Answers<WaitingRoomTicketResponse>(StatusCodes.Status200OK, "Where the ticket stands.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.WaitingRoomTicketInvalid, ErrorCodes.WaitingRoomNotOpen,
                ErrorCodes.WaitingRoomTicketExpired)
            .Example(WaitingRoomExamples.Waiting);
    }

    private static async Task<IResult> SetAsync(long templateId, SetWaitingRoomRequest request, HttpContext http, ICouponTemplateCatalog catalog,
        WaitingRoomSettings rooms, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .When(request.AdmitPerSecond is null or < 1 or > 100_000, "admitPerSecond", "Required: 1 to 100000 tickets a second.")
            .When(request.AdmissionMinutes is < 1 or > 1440, "admissionMinutes", "From 1 to 1440 minutes.")
            .When(request.AdmittedForSeconds is < 10 or > 3600, "admittedForSeconds", "From 10 to 3600 seconds.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await MerchantsTemplateAsync(templateId, http, catalog, ct) is not { } template) return NotFound(templateId);
        if (BeforeOpening(template, clock) is { } refused) return ProblemResults.From(refused);
        var room = new TemplateWaitingRoom(template.Id, request.AdmitPerSecond!.Value,
            request.AdmissionMinutes ?? TemplateWaitingRoom.DefaultAdmissionMinutes,
            request.AdmittedForSeconds ?? TemplateWaitingRoom.DefaultAdmittedForSeconds, clock.GetUtcNow());
        await rooms.SaveAsync(room, ct);
        return TypedResults.Ok(room.ToResponse(template));
    }

    private static async Task<IResult> GetAsync(long templateId, HttpContext http, ICouponTemplateCatalog catalog, WaitingRoomSettings rooms,
        CancellationToken ct)
    {
        if (await MerchantsTemplateAsync(templateId, http, catalog, ct) is not { } template) return NotFound(templateId);
        return await rooms.FindAsync(template.Id, ct) is { } room
            ? TypedResults.Ok(room.ToResponse(template))
            : ProblemResults.From(WaitingRoomRefusals.NoRoom);
    }

    private static async Task<IResult> RemoveAsync(long templateId, HttpContext http, ICouponTemplateCatalog catalog, WaitingRoomSettings rooms,
        TimeProvider clock, CancellationToken ct)
    {
        if (await MerchantsTemplateAsync(templateId, http, catalog, ct) is not { } template) return NotFound(templateId);
        if (BeforeOpening(template, clock) is { } refused) return ProblemResults.From(refused);
        return await rooms.RemoveAsync(template.Id, ct) ? TypedResults.NoContent() : ProblemResults.From(WaitingRoomRefusals.NoRoom);
    }

    private static async Task<IResult> TakeAsync(TakeTicketRequest request, HttpContext http, TakeTicket command, CancellationToken ct)
    {
        var errors = new FieldErrors().When(request.TemplateId is null or < 1, "templateId", "Required: a template id.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        TicketAnswer answer;
        try
        {
            answer = await command.HandleAsync(PolicyCallers.UserOf(http), new TemplateId(request.TemplateId!.Value), ct);
        }
        catch (ClaimsUnavailableException e)
        {
            http.Response.Headers.RetryAfter = "1";
            return EngineProblems.ClaimsUnavailable(e.Message + " No ticket was given; ask again.");
        }
        if (answer.Refusal is { } refusal) return ProblemResults.From(refusal);
        var response = Answer(answer.View!, http);
        return answer.IsNew ? TypedResults.Created("/api/v1/waiting-room/position", response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> PositionAsync(
        [FromHeader(Name = WaitingRoomRefusals.Header), System.ComponentModel.Description("The ticket POST /api/v1/waiting-room/tickets gave.")]
        string? ticket, HttpContext http,
        CheckTicket command, CancellationToken ct)
    {
        var errors = new FieldErrors().When(string.IsNullOrEmpty(ticket), WaitingRoomRefusals.Header,
            "Required header: the ticket POST /api/v1/waiting-room/tickets gave.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var answer = await command.HandleAsync(PolicyCallers.UserOf(http), ticket, ct);
        return answer.Refusal is { } refusal ? ProblemResults.From(refusal) : TypedResults.Ok(Answer(answer.View!, http));
    }

    /// <summary>The ticket's answer; a waiting one also says, as Retry-After, when to ask again.</summary>
    private static WaitingRoomTicketResponse Answer(TicketView view, HttpContext http)
    {
        if (view.RetryAfterSeconds is { } wait) http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        return new WaitingRoomTicketResponse(view.Text, view.Ticket.Template.ToString(), view.Ticket.Number, view.Position, view.Admitted,
            view.Schedule.AdmitsAt(view.Ticket.Number), view.Schedule.UsableUntil(view.Ticket.Number), view.Schedule.End, view.RetryAfterSeconds);
    }

    /// <summary>
    /// The claim endpoint's hook: while the template's room admits, a claim without an admitted ticket is answered here. Null: claim on.
    /// </summary>
    public static async Task<IResult?> RefuseUnadmittedAsync(this AdmitClaim door, HttpContext http, UserId user, long templateId, string? ticket,
        CancellationToken ct)
    {
        if (await door.RefusalAsync(user, new TemplateId(templateId), ticket, ct) is not { } refusal) return null;
        if (refusal.Details?.TryGetValue("retryAfterSeconds", out var wait) == true)
            http.Response.Headers.RetryAfter = Convert.ToString(wait, CultureInfo.InvariantCulture);
        return ProblemResults.From(refusal);
    }

    private static async Task<CouponTemplateSnapshot?> MerchantsTemplateAsync(long templateId, HttpContext http, ICouponTemplateCatalog catalog,
        CancellationToken ct) =>
        await catalog.FindAsync(new TemplateId(templateId), ct) is { } t && t.Merchant == PolicyCallers.MerchantOf(http) ? t : null;

    private static Refusal? BeforeOpening(CouponTemplateSnapshot template, TimeProvider clock) =>
        template.Terminated ? new Refusal(ErrorCodes.Terminated, "The merchant stopped this template.")
        : clock.GetUtcNow() >= template.ValidFrom
            ? new Refusal(ErrorCodes.ClaimsAlreadyOpen,
                $"The template's claims opened at {template.ValidFrom:O}: its waiting room can no longer change.")
            : null;

    private static IResult NotFound(long templateId) =>
        ProblemResults.From(new Refusal(ErrorCodes.TemplateNotFound, $"No template {templateId.ToString(CultureInfo.InvariantCulture)} of yours."));

    private static WaitingRoomResponse ToResponse(this TemplateWaitingRoom r, CouponTemplateSnapshot template)
    {
        var schedule = r.From(template.ValidFrom);
        return new(r.Template.ToString(), r.AdmitPerSecond, r.AdmissionMinutes, r.AdmittedForSeconds, schedule.Start, schedule.End, r.UpdatedAt);
    }
}
