using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// The merchant's campaign analytics (/api/v1/merchant/analytics): routes and their checks only. The figures are made by
/// <see cref="CampaignReports"/>, the range by <see cref="ReportRanges"/>, the downloads by <see cref="ReportDownloads"/>.
/// </summary>
internal static class ReportEndpoints
{
    public const string MerchantPolicy = "merchant";
    public const string Tag = "Campaign analytics";

    private const string TimeZoneDoc = "The IANA time zone the days and hours are local to (exact case: Asia/Shanghai, Asia/Kathmandu, UTC).";
    private const string FromDoc = "The first local date, yyyy-MM-dd (included).";
    private const string ToDoc = "The last local date, yyyy-MM-dd (included).";

    public static IServiceCollection AddClearingReports(this IServiceCollection services) => services.AddSingleton<CampaignReports>();

    public static IEndpointRouteBuilder MapClearingReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/analytics").WithTags(Tag).RequireAuthorization(MerchantPolicy);
        string[] files = [ReportFormats.CsvMediaType, ReportFormats.XlsxMediaType];
        group.MapGet("/activity", ActivityAsync).WithName("CampaignActivity")
            .WithSummary("What each campaign did and cost, per local day or hour")
            .WithDescription("Per template and local day (at most 366 days) or hour (at most 31 days) in the caller's time zone: coupons "
                + "issued (claimed, distributed), locked, used, expired and refunded, the redemption rate, the discount given net of what "
                + "refunds returned and clawed back with the merchant's and the platform's parts, and the order value of the orders that "
                + "used the coupons. Buckets without any movement are left out. Totals per template and per currency; amounts of "
                + "different currencies are never added. JSON, or the rows as CSV or .xlsx (format, or the Accept header).")
            .Answers<CampaignActivityResponse>(StatusCodes.Status200OK, "The report: JSON, or its rows as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, files))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TimeZoneUnknown, ErrorCodes.ReportRangeTooLong)
            .Example(ReportExamples.Daily).Example(ReportExamples.Hourly);
        group.MapGet($"/templates/{RouteIds.Id}/funnel", FunnelAsync).WithName("TemplateFunnel")
            .WithSummary("One template's funnel over a range")
            .WithDescription("Exposed (always null: exposures happen outside the engine) → issued → locked → used, counted over the local "
                + "dates from..to (at most 366 days), with the rate of each step. A template without movements in the range, or another "
                + "merchant's, answers zeros.")
            .Answers<TemplateFunnelResponse>(StatusCodes.Status200OK, "The funnel: JSON, or one row as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, files))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TimeZoneUnknown, ErrorCodes.ReportRangeTooLong)
            .Example(ReportExamples.Funnel);
        group.MapGet("/top-templates", TopAsync).WithName("TopTemplates")
            .WithSummary("The templates that gave the most discount")
            .WithDescription("The merchant's templates by net discount given over the local dates from..to (at most 366 days), highest "
                + "first, grouped by currency and ranked within it, at most limit of them in each currency, with coupons used and the "
                + "order value of the orders that used them.")
            .Answers<TopTemplatesResponse>(StatusCodes.Status200OK, "The ranking: JSON, or as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, files))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.TimeZoneUnknown, ErrorCodes.ReportRangeTooLong)
            .Example(ReportExamples.Top);
        return app;
    }

    private static async Task<IResult> ActivityAsync(
        HttpContext http,
        CampaignReports reports,
        [Description(TimeZoneDoc)] string? timeZone,
        [Description(FromDoc)] string? from,
        [Description(ToDoc)] string? to,
        [AllowedValues("DAY", "HOUR"), Description("DAY (default) or HOUR: local days or local hours.")] string? granularity,
        [Description("Only this template.")] string? templateId,
        [AllowedValues("json", "csv", "xlsx"), Description(ReportFormats.Rule)] string? format,
        CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors();
        var bucket = ReportRanges.ParseGranularity(granularity);
        errors.When(bucket is null, "granularity", "DAY or HOUR.");
        var template = ParseId(templateId, "templateId", errors);
        var wanted = Negotiate(http, format, errors);
        var calendar = ReportRanges.Read(timeZone, from, to, ReportRanges.MaxDaysOf(bucket ?? Granularity.Day), errors, out var refusal);
        if (calendar is null) return Refuse(errors, refusal);
        var report = await reports.ActivityAsync(merchant.Value, calendar, bucket!.Value, template, ct);
        return await AnswerAsync(report, ReportTable.Of(report), wanted!.Value, ct);
    }

    private static async Task<IResult> FunnelAsync(
        long id,
        HttpContext http,
        CampaignReports reports,
        [Description(TimeZoneDoc)] string? timeZone,
        [Description(FromDoc)] string? from,
        [Description(ToDoc)] string? to,
        [AllowedValues("json", "csv", "xlsx"), Description(ReportFormats.Rule)] string? format,
        CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors();
        var wanted = Negotiate(http, format, errors);
        var calendar = ReportRanges.Read(timeZone, from, to, ReportRanges.MaxDays, errors, out var refusal);
        if (calendar is null) return Refuse(errors, refusal);
        var funnel = await reports.FunnelAsync(merchant.Value, id, calendar, ct);
        return await AnswerAsync(funnel, ReportTable.Of(funnel), wanted!.Value, ct);
    }

    private static async Task<IResult> TopAsync(
        HttpContext http,
        CampaignReports reports,
        [Description(TimeZoneDoc)] string? timeZone,
        [Description(FromDoc)] string? from,
        [Description(ToDoc)] string? to,
        [Range(1, CampaignReports.MaxTop), Description("How many templates, 1 to 100; default 10.")] int? limit,
        [AllowedValues("json", "csv", "xlsx"), Description(ReportFormats.Rule)] string? format,
        CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        var errors = new FieldErrors().WhenBadLimit(limit, CampaignReports.MaxTop);
        var wanted = Negotiate(http, format, errors);
        var calendar = ReportRanges.Read(timeZone, from, to, ReportRanges.MaxDays, errors, out var refusal);
        if (calendar is null) return Refuse(errors, refusal);
        var top = await reports.TopAsync(merchant.Value, calendar, limit ?? CampaignReports.DefaultTop, ct);
        return await AnswerAsync(top, ReportTable.Of(top), wanted!.Value, ct);
    }

    private static ReportFormat? Negotiate(HttpContext http, string? format, FieldErrors errors)
    {
        var wanted = ReportFormats.Negotiate(format, http.Request.Headers.Accept.ToString());
        errors.When(wanted is null, "format", "json, csv or xlsx.");
        return wanted;
    }

    private static long? ParseId(string? value, string field, FieldErrors errors)
    {
        if (value is null) return null;
        var ok = value.Length is > 0 and <= 19 && value.All(char.IsAsciiDigit)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0;
        errors.When(!ok, field, "A template id: digits, above 0.");
        return ok ? long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : null;
    }

    private static IResult Refuse(FieldErrors errors, Refusal? refusal) =>
        !errors.IsEmpty ? ProblemResults.Invalid(errors)
        : ProblemResults.From(refusal ?? throw new InvalidOperationException("A range was neither read nor refused."));

    private static async Task<IResult> AnswerAsync<T>(T json, ReportTable table, ReportFormat format, CancellationToken ct) =>
        format is ReportFormat.Json ? TypedResults.Ok(json) : await ReportDownloads.DownloadAsync(table, format, ct);
}
