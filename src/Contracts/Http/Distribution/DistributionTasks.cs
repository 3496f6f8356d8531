using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Distribution;

// POST /api/v1/merchant/distribution-tasks is multipart/form-data: templateId, name, file (CSV with a header
// row or .xlsx), optional startAt (ISO-8601 with offset; absent = now), optional notify (IN_APP, POPUP, EMAIL,
// SMS; repeated or comma-separated). Ids travel as strings in responses.

/// <summary>A distribution task as it stands. Progress fields are live; rowsPerSecond and eta only while RUNNING.</summary>
public sealed record DistributionTaskResponse(
    string Id,
    string MerchantId,
    string TemplateId,
    string Name,
    [property: AllowedValues("SCHEDULED", "RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "CANCELLED")] string Status,
    [property: AllowedValues("IN_APP", "POPUP", "EMAIL", "SMS")] IReadOnlyList<string> Notify,
    DateTimeOffset StartAt,
    string FileName,
    [property: AllowedValues("CSV", "XLSX")] string FileFormat,
    long FileBytes,
    [property: Description("Recipient rows of the file, once counted (null until then).")] long? TotalRows,
    long Processed,
    long Issued,
    long Failed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    [property: Description("While RUNNING: rows processed per second.")] double? RowsPerSecond,
    [property: Description("While RUNNING: when it should finish at this pace.")] DateTimeOffset? Eta,
    [property: AllowedValues("TOO_MANY_ROWS", "FILE_UNREADABLE", "CHUNK_FAILED"), Description("FAILED: why (docs/errors.md).")] string? FailureCode,
    string? FailureDetail);

/// <summary>One recipient row that did not get a coupon. RowNumber counts the file's records, the header being row 1.</summary>
public sealed record DistributionFailureResponse(
    long RowNumber,
    [property: Description("The user id cell as the file had it.")] string RawValue,
    [property: AllowedValues("INVALID_USER_ID", "DUPLICATE_ROW", "USER_LIMIT_REACHED", "OUT_OF_STOCK", "TEMPLATE_TERMINATED", "TEMPLATE_ENDED",
        "TEMPLATE_NOT_STARTED", "TEMPLATE_NOT_FOUND", "CAMPAIGN_LIMIT_REACHED", "CAMPAIGN_ENDED", "CAMPAIGN_NOT_STARTED")]
    string Reason);

/// <summary>
/// POST /api/v1/merchant/distribution-tasks, multipart/form-data. The endpoint streams the form itself (the file is never held in
/// memory): this record describes its parts for the OpenAPI document.
/// </summary>
public sealed record DistributionTaskForm(
    [property: Required, Description("The merchant's template whose coupons are pushed.")] string TemplateId,
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: Required, Description("The recipients: CSV with a header row, or .xlsx (first sheet, first row the header), with a user id "
        + "column (userId, user_id or uid); at most Distribution:MaxFileBytes (256 MiB).")]
    Stream File,
    [property: Description("When to start, ISO-8601 with offset, within the template's claim window; absent: now.")] DateTimeOffset? StartAt,
    [property: AllowedValues("IN_APP", "POPUP", "EMAIL", "SMS"), Description("How users are told (repeat the part or separate with commas).")]
    IReadOnlyList<string>? Notify);
