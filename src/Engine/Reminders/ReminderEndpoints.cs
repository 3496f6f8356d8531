using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Reminders;

/// <summary>The caller's own reminders. Setting one is idempotent per (user, template): a repeat answers the first.</summary>
internal static class ReminderEndpoints
{
    private const int DefaultMinutesBefore = 5;

    public static void MapReminderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/reminders").WithTags("Reminders").RequireAuthorization(EnginePolicies.User);
        group.MapPost("", SetAsync).WithName("SetReminder").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Set a claim reminder (预约提醒)")
            .WithDescription("Reminds the calling user minutesBefore minutes (default 5) before the template's claims open. One waiting "
                + "reminder per user and template: asking again with the same minutesBefore answers 200 with it; with another, 409 "
                + "REMINDER_EXISTS (cancel it first).")
            .Answers<ReminderResponse>(StatusCodes.Status201Created, "Scheduled: the new reminder.").WithLocation(201)
            .Answers<ReminderResponse>(StatusCodes.Status200OK, "The same reminder was set already: the waiting one.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound, ErrorCodes.Terminated, ErrorCodes.ReminderExists,
                ErrorCodes.ReminderTooLate, ErrorCodes.ClaimsAlreadyOpen)
            .Example(EngineExamples.SetReminder).Example(EngineExamples.SameReminder);
        group.MapGet("", ListAsync).WithName("ListMyReminders")
            .WithSummary("List my reminders")
            .WithDescription("The calling user's reminders, newest first, by status; continue with nextCursor.")
            .Answers<Page<ReminderResponse>>(StatusCodes.Status200OK, "A page of reminders; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(EngineExamples.Reminders);
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetMyReminder")
            .WithSummary("Get one of my reminders")
            .WithDescription("One reminder of the calling user; another user's is not found.")
            .Answers<ReminderResponse>(StatusCodes.Status200OK, "The reminder.")
            .Refuses(ErrorCodes.ReminderNotFound)
            .Example(EngineExamples.OneReminder);
        group.MapDelete(RouteIds.Id, CancelAsync).WithName("CancelReminder").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Cancel a reminder")
            .WithDescription("Withdraws a waiting reminder; cancelling a cancelled one answers 204 again. A reminder already sent cannot "
                + "be cancelled.")
            .AnswersEmpty(StatusCodes.Status204NoContent, "Cancelled (or cancelled before).")
            .Refuses(ErrorCodes.ReminderNotFound, ErrorCodes.ReminderAlreadySent)
            .Example(EngineExamples.CancelReminder);
    }

    private static async Task<IResult> SetAsync(SetReminderRequest request, HttpContext http, SetReminder command, CancellationToken ct)
    {
        var minutes = request.MinutesBefore ?? DefaultMinutesBefore;
        var errors = new FieldErrors()
            .When(request.TemplateId is null or < 1, "templateId", "Required: a template id.")
            .When(minutes is < 1 or > ClaimReminder.MaxMinutesBefore, "minutesBefore", $"From 1 to {ClaimReminder.MaxMinutesBefore} minutes.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        return await command.HandleAsync(PolicyCallers.UserOf(http), new TemplateId(request.TemplateId!.Value), minutes, ct) switch
        {
            SetReminderOutcome.Created c => TypedResults.Created($"/api/v1/me/reminders/{c.Reminder.Id}", c.Reminder.ToResponse()),
            SetReminderOutcome.Existing e => TypedResults.Ok(e.Reminder.ToResponse()),
            SetReminderOutcome.Refused r => ProblemResults.From(r.Refusal),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        IClaimReminders reminders,
        [AllowedValues("SCHEDULED", "SENT", "CANCELLED"), Description("Only reminders of this status.")] string? status,
        [Description(Paging.CursorRule)] string? cursor,
        [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
    {
        ReminderStatus? filter = null;
        var errors = new FieldErrors().WhenBadPage(limit, cursor, out var after);
        if (status is not null)
        {
            if (ReminderStatusNames.TryParse(status, out var parsed)) filter = parsed;
            else errors.Add("status", "One of SCHEDULED, SENT, CANCELLED.");
        }
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await reminders.ListAsync(PolicyCallers.UserOf(http), filter, after, size + 1, ct), size, r => r.Id,
            r => r.ToResponse()));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IClaimReminders reminders, CancellationToken ct) =>
        await reminders.FindAsync(PolicyCallers.UserOf(http), id, null, ct) is { } reminder
            ? TypedResults.Ok(reminder.ToResponse())
            : ProblemResults.From(new Refusal(ErrorCodes.ReminderNotFound, $"You have no reminder {id}."));

    private static async Task<IResult> CancelAsync(long id, HttpContext http, CancelReminder command, CancellationToken ct) =>
        await command.HandleAsync(PolicyCallers.UserOf(http), id, ct) is { } refusal ? ProblemResults.From(refusal) : TypedResults.NoContent();

    private static ReminderResponse ToResponse(this ClaimReminder r) => new(
        r.Id.ToString(CultureInfo.InvariantCulture), r.Template.ToString(), r.Merchant.ToString(), r.MinutesBefore, r.ClaimOpensAt, r.RemindAt,
        ReminderStatusNames.Of(r.Status), r.CreatedAt, r.SentAt, r.CancelledAt, r.CancelReason);
}
