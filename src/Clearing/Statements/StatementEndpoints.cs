using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The daily clearing statements (an operator any merchant's, a merchant its own), their CSV and .xlsx files, the clearing days
/// (list, close) and the ledger's trial balance: routes and their checks only.
/// </summary>
internal static class StatementEndpoints
{
    public const string OperatorPolicy = "operator";
    public const string MerchantPolicy = "merchant";
    private const string MerchantIdRoute = "{merchantId:long:regex(^[0-9]+$)}";
    private const string DayRule = "A date written yyyy-MM-dd (a UTC calendar day).";
    private const int DefaultListedDays = 31;

    public static void MapStatementEndpoints(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/v1/operator/clearing").WithTags("Clearing statements").RequireAuthorization(OperatorPolicy);
        ops.MapGet($"statements/{MerchantIdRoute}/{{day}}", OperatorStatementAsync).WithName("MerchantClearingStatement")
            .WithSummary("A merchant's clearing statement of one day")
            .WithDescription(StatementDescription)
            .Answers<ClearingStatementResponse>(StatusCodes.Status200OK, "The statement: JSON, or as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, ["text/csv", StatementFormats.XlsxMediaType]))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.ClearingStatementNotReady)
            .Example(StatementExamples.OperatorStatement);
        ops.MapGet("days", ListDaysAsync).WithName("ClearingDays")
            .WithSummary("The clearing days of a range")
            .WithDescription("Each UTC day of [from, to] (default: the 31 days to today), oldest first, OPEN or CLOSED with the time of the "
                + "close that froze it, and the last closed day. Days close in order, so every day up to the last closed one is CLOSED.")
            .Answers<ClearingDaysResponse>(StatusCodes.Status200OK, "The days.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(StatementExamples.Days);
        ops.MapPost("days/{day}/close", CloseDayAsync).WithName("CloseClearingDay").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Close a clearing day")
            .WithDescription("Freezes a UTC day that is over: nothing posts in it any more, and an event that happened in it and arrives "
                + "later is posted on the first open day as an adjustment naming this day. Days close in order (an earlier open day is "
                + "refused with the day to close first); closing a closed day changes nothing and answers it as it is.")
            .Answers<ClearingDayResponse>(StatusCodes.Status200OK, "The day, CLOSED (now, or by the earlier close that froze it).")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.ClearingDayNotOver, ErrorCodes.ClearingDayEarlierOpen)
            .Example(StatementExamples.ClosedDay);
        ops.MapGet("trial-balance", TrialBalanceAsync).WithName("ClearingTrialBalance")
            .WithSummary("The ledger's trial balance")
            .WithDescription("Sums the ledger's entries per merchant, posting day, currency and unit over [from, to] (at most 366 days): "
                + "every posting is balanced, so every sum must be zero; each one that is not is a defect and is listed.")
            .Answers<TrialBalanceResponse>(StatusCodes.Status200OK, "The check: balanced, or the defects.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(StatementExamples.Balanced);

        var own = app.MapGroup("/api/v1/merchant/clearing").WithTags("Clearing statements").RequireAuthorization(MerchantPolicy);
        own.MapGet("statements/{day}", OwnStatementAsync).WithName("OwnClearingStatement")
            .WithSummary("The merchant's own clearing statement of one day")
            .WithDescription(StatementDescription)
            .Answers<ClearingStatementResponse>(StatusCodes.Status200OK, "The statement: JSON, or as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, ["text/csv", StatementFormats.XlsxMediaType]))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.ClearingStatementNotReady)
            .Example(StatementExamples.OwnStatement);
    }

    private const string StatementDescription =
        "Per currency, every ledger account's opening balance (everything posted before the UTC day), the day's movements, the "
        + "adjustments posted this day for events of earlier closed days (each naming its original day) and the closing balance; what "
        + "the merchant bears and what the platform subsidises (the discount each funds, net of returns and claw-backs) and the coupon "
        + "counts. A CLOSED day's statement never changes; an OPEN day's grows as events arrive. JSON, or one table as CSV or .xlsx "
        + "(format, or the Accept header).";

    private static Task<IResult> OperatorStatementAsync(long merchantId, string day, HttpContext http, ReadStatement read, TimeProvider clock,
        [Description("json, csv or xlsx; absent: the Accept header decides, else json.")] string? format, CancellationToken ct) =>
        StatementAsync(merchantId, day, format, http, read, clock, ct);

    private static Task<IResult> OwnStatementAsync(string day, HttpContext http, ReadStatement read, TimeProvider clock,
        [Description("json, csv or xlsx; absent: the Accept header decides, else json.")] string? format, CancellationToken ct) =>
        StatementAsync(PolicyCallers.MerchantOf(http).Value, day, format, http, read, clock, ct);

    private static async Task<IResult> StatementAsync(long merchantId, string day, string? format, HttpContext http, ReadStatement read,
        TimeProvider clock, CancellationToken ct)
    {
        var wanted = StatementFormats.Negotiate(format, http.Request.Headers.Accept.ToString());
        var errors = new FieldErrors().When(wanted is null, "format", "One of json, csv, xlsx.")
            .When(merchantId < 1, "merchantId", "A merchant id (1 or more).");
        var parsed = ParseDay(errors, "day", day);
        errors.When(parsed > ClearingDayRules.Today(clock), "day", "Not after today (UTC).");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        switch (await read.HandleAsync(merchantId, parsed!.Value, ct))
        {
            case StatementOutcome.NotYetIngested n:
                return new RetryAfter(ProblemResults.Status(ErrorCodes.ClearingStatementNotReady,
                    $"{n.Day:yyyy-MM-dd} is closed; the analytic store holds the journal up to {n.Watermark} of {n.JournalSeq}. Try again shortly.",
                    new Dictionary<string, object?> { ["retryAfterSeconds"] = 1 }));
            case StatementOutcome.Ready { Statement: var statement }:
                return wanted switch
                {
                    StatementFormat.Csv => Results.File(StatementExport.Csv(statement), "text/csv; charset=utf-8",
                        StatementExport.FileName(statement) + ".csv"),
                    StatementFormat.Xlsx => Results.File(await StatementExport.XlsxAsync(statement, ct), StatementFormats.XlsxMediaType,
                        StatementExport.FileName(statement) + ".xlsx"),
                    _ => TypedResults.Ok(statement.ToResponse()),
                };
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private static async Task<IResult> ListDaysAsync(ListClearingDays list, TimeProvider clock,
        [Description("First day (yyyy-MM-dd); default: 30 days before to.")] string? from,
        [Description("Last day (yyyy-MM-dd); default: today (UTC).")] string? to, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var last = to is null ? ClearingDayRules.Today(clock) : ParseDay(errors, "to", to);
        var first = from is null ? last?.AddDays(-(DefaultListedDays - 1)) : ParseDay(errors, "from", from);
        WhenBadRange(errors, first, last, ListClearingDays.MaxDays);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var (lastClosed, days) = await list.HandleAsync(first!.Value, last!.Value, ct);
        return TypedResults.Ok(new ClearingDaysResponse(lastClosed?.Day, days.Select(d => d.ToResponse()).ToList()));
    }

    private static async Task<IResult> CloseDayAsync(string day, HttpContext http, CloseClearingDay close, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var parsed = ParseDay(errors, "day", day);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var operatorSubject = Caller.From(http.User)?.Subject
            ?? throw new InvalidOperationException("The operator policy let through a caller without identity.");
        return await close.HandleAsync(parsed!.Value, operatorSubject, ct) switch
        {
            CloseDayOutcome.Closed c => TypedResults.Ok(StatementResponses.Closed(c.Day.Day, c.Day)),
            CloseDayOutcome.AlreadyClosed a => TypedResults.Ok(StatementResponses.Closed(a.Day, a.By)),
            CloseDayOutcome.NotOver n => ProblemResults.Status(ErrorCodes.ClearingDayNotOver,
                $"{n.Day:yyyy-MM-dd} is not over yet (UTC): it can be closed from {n.Day.AddDays(1):yyyy-MM-dd}T00:00:00Z."),
            CloseDayOutcome.EarlierDayOpen e => ProblemResults.Status(ErrorCodes.ClearingDayEarlierOpen,
                $"Days close in order: close {e.NextToClose:yyyy-MM-dd} before {e.Day:yyyy-MM-dd}.",
                new Dictionary<string, object?> { ["nextToClose"] = e.NextToClose.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private static async Task<IResult> TrialBalanceAsync(CheckTrialBalance check,
        [Description("First posting day (yyyy-MM-dd).")] string? from,
        [Description("Last posting day (yyyy-MM-dd), at most 365 days after from.")] string? to, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var first = from is null ? Required(errors, "from") : ParseDay(errors, "from", from);
        var last = to is null ? Required(errors, "to") : ParseDay(errors, "to", to);
        WhenBadRange(errors, first, last, CheckTrialBalance.MaxDays);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        return TypedResults.Ok((await check.HandleAsync(first!.Value, last!.Value, ct)).ToResponse());
    }

    private static DateOnly? Required(FieldErrors errors, string field)
    {
        errors.Add(field, "Required: " + DayRule);
        return null;
    }

    /// <summary>Exactly yyyy-MM-dd: a day has one spelling, so one statement has one URL.</summary>
    private static DateOnly? ParseDay(FieldErrors errors, string field, string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        errors.Add(field, DayRule);
        return null;
    }

    private static void WhenBadRange(FieldErrors errors, DateOnly? from, DateOnly? to, int maxDays)
    {
        if (from is not { } f || to is not { } t) return;
        errors.When(f > t, "from", "Not after to.")
            .When(f <= t && t.DayNumber - f.DayNumber + 1 > maxDays, "to", $"At most {maxDays} days from from.");
    }

    /// <summary>The problem with a Retry-After header.</summary>
    private sealed class RetryAfter(ProblemHttpResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
