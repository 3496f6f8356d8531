using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Logging;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Claims;

internal static partial class ClaimEndpoints
{
    public static void MapClaimEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/claims", ClaimAsync).WithTags("Claims").WithName("ClaimCoupon").RequireAuthorization(EnginePolicies.User)
            .RequiresIdempotencyKey()
            .WithSummary("Claim a coupon")
            .WithDescription("Claims one coupon of a template for the calling user, within the template's window, stock and per-user "
                + "limit, and its per-user limits per day, ISO week and month of the template's time zone (PERIOD_LIMIT_REACHED says "
                + "which period and when it resets), and (when the template names one) to the members of its audience. The "
                + "Idempotency-Key is required: a retry under the same key answers 200 with the coupon that key got (or 201 when "
                + "nothing was stored), never a second coupon. On the Redis path a retry may first be answered 503 "
                + "CLAIMS_UNAVAILABLE with Retry-After: keep retrying with the same key. When demand exceeds what the engine absorbs, a "
                + "claim over the per-user or per-address claim limit, or beyond the template's claims in flight, is answered 429 "
                + "RATE_LIMITED with Retry-After before anything is decided; once a template is sold out, OUT_OF_STOCK is answered at once "
                + "to every user holding none of its coupons (docs/admission.md).")
            .Answers<UserCouponResponse>(StatusCodes.Status201Created, "Claimed: the new coupon in the wallet.").WithLocation(201)
            .Answers<UserCouponResponse>(StatusCodes.Status200OK, "A retry under the same Idempotency-Key: the coupon that key claimed.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TemplateNotFound, ErrorCodes.NotStarted, ErrorCodes.Ended, ErrorCodes.Terminated,
                ErrorCodes.OutOfStock, ErrorCodes.UserLimitReached, ErrorCodes.PeriodLimitReached,
                ErrorCodes.ClaimsUnavailable, ErrorCodes.CampaignLimitReached, ErrorCodes.BudgetExhausted, ErrorCodes.NotInAudience,
                ErrorCodes.RateLimited)
            .Refuses(ErrorCodes.WaitingRoomTicketRequired, ErrorCodes.WaitingRoomTicketInvalid, ErrorCodes.WaitingRoomNotAdmitted,
                ErrorCodes.WaitingRoomTicketExpired) // docs/waiting-room.md
            .Example(EngineExamples.Claim).Example(EngineExamples.ClaimAgain);
    }

    private static async Task<IResult> ClaimAsync(ClaimRequest request, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        HttpContext http, ClaimCoupon command, TimeProvider clock, ILogger<ClaimCoupon> log,
        [FromHeader(Name = WaitingRoomRefusals.Header), Description(WaitingRoomRefusals.HeaderRule)] string? waitingRoomTicket,
        AdmitClaim waitingRoom, CancellationToken ct)
    {
        var user = PolicyCallers.UserOf(http);
        var errors = new FieldErrors()
            .When(!IdempotencyKey.IsValid(idempotencyKey), IdempotencyKeyHeader.Name, "Required header: " + IdempotencyKeyHeader.Rule)
            .When(request.TemplateId is null or < 1, "templateId", "Required: a template id.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await waitingRoom.RefuseUnadmittedAsync(http, user, request.TemplateId!.Value, waitingRoomTicket, ct) is { } waiting)
            return waiting;

        ClaimOutcome outcome;
        // The user is in the request's scope already; the template is known from the body only.
        using (log.BeginScope(LogScope.Of((LogScope.TemplateId, request.TemplateId!.Value))))
        {
            try
            {
                outcome = await command.HandleAsync(
                    user, new TemplateId(request.TemplateId!.Value), new IdempotencyKey(idempotencyKey!), ClaimClientAddress.KeyOf(http), ct);
            }
            catch (ClaimsUnavailableException e)
            {
                http.Response.Headers.RetryAfter = "1";
                return EngineProblems.ClaimsUnavailable(e.Message + " Nothing was issued; retry with the same Idempotency-Key.");
            }
            LogClaimed(log, outcome.GetType().Name);
        }
        var now = clock.GetUtcNow();
        return outcome switch
        {
            ClaimOutcome.Claimed c => TypedResults.Created($"/api/v1/me/coupons/{c.Coupon.Id}", c.Coupon.ToResponse(now)),
            ClaimOutcome.AlreadyClaimed a => TypedResults.Ok(a.Coupon.ToResponse(now)),
            ClaimOutcome.TemplateNotFound => Refuse(ErrorCodes.TemplateNotFound, $"No template {request.TemplateId}.", "templateId"),
            ClaimOutcome.NotStarted n => Refuse(ErrorCodes.NotStarted, $"Claims open at {n.StartsAt:O}.", null,
                new Dictionary<string, object?> { ["startsAt"] = n.StartsAt }),
            ClaimOutcome.Ended => Refuse(ErrorCodes.Ended, "The template's claim window has passed."),
            ClaimOutcome.Terminated => Refuse(ErrorCodes.Terminated, "The merchant stopped this template."),
            ClaimOutcome.OutOfStock => Refuse(ErrorCodes.OutOfStock, "No coupons are left."),
            ClaimOutcome.LimitReached l => Refuse(ErrorCodes.UserLimitReached, $"At most {l.PerUser} per user.", null,
                new Dictionary<string, object?> { ["perUserLimit"] = l.PerUser }),
            ClaimOutcome.PeriodLimitReached p => Refuse(ErrorCodes.PeriodLimitReached,
                $"At most {p.Period.Limit} per user per {p.Period.Name.ToLowerInvariant()} ({p.Period.TimeZone}); the next one starts at "
                + $"{p.Period.End:O}.", null,
                new Dictionary<string, object?>
                {
                    ["period"] = p.Period.Name, ["periodLimit"] = p.Period.Limit, ["timeZone"] = p.Period.TimeZone, ["resetsAt"] = p.Period.End,
                }),
            ClaimOutcome.CampaignLimitReached l => Refuse(ErrorCodes.CampaignLimitReached,
                $"At most {l.PerUser} coupons of this campaign's templates per user.", null,
                new Dictionary<string, object?> { ["perUserLimit"] = l.PerUser }),
            ClaimOutcome.BudgetExhausted b => Refuse(ErrorCodes.BudgetExhausted,
                $"What remains of budget {b.Budget} cannot cover another coupon; claims are stopped.", null,
                new Dictionary<string, object?> { ["budget"] = b.Budget }),
            ClaimOutcome.KeyReused => Refuse(
                ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used to claim another template.",
                "Idempotency-Key"),
            ClaimOutcome.RateLimited r => RateLimited(http, r),
            ClaimOutcome.NotInAudience n => Refuse(ErrorCodes.NotInAudience, "This template is only for the users of its audience.", null,
                new Dictionary<string, object?> { ["audienceId"] = n.Audience.ToString() }),
            _ => throw new System.Diagnostics.UnreachableException(), // C# cannot prove the hierarchy closed
        };
    }

    /// <summary>429 with Retry-After in whole seconds, as the framework's rate limits answer (docs/admission.md).</summary>
    private static IResult RateLimited(HttpContext http, ClaimOutcome.RateLimited limited)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = limited.Limit == "template"
            ? $"This template is taking all the claims it can right now; retry after {seconds} s."
            : $"Too many claims from this {(limited.Limit == "ip" ? "address" : "user")}; retry after {seconds} s.";
        return Refuse(ErrorCodes.RateLimited, message, null,
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds, ["limitedBy"] = limited.Limit });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Claim answered: {Outcome}")]
    private static partial void LogClaimed(ILogger log, string outcome);

    private static IResult Refuse(
        ErrorCode code,
        string message,
        string? field = null,
        IReadOnlyDictionary<string, object?>? details = null) =>
        ProblemResults.From(new Refusal(code, message, field, details));
}
