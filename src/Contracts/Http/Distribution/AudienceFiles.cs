using System.ComponentModel;

namespace PromotionEngine.Contracts.Http.Distribution;

/// <summary>POST /api/v1/merchant/audience-files/{id}: what the file did to the audience.</summary>
public sealed record AudienceFileResponse(
    string AudienceId,
    [property: Description("Rows after the header (blank records skipped).")] long Rows,
    [property: Description("Users that joined now (those already in, and repeated rows, are not counted).")] long Added,
    [property: Description("Rows without a user id (INVALID_USER_ID).")] long Failed,
    [property: Description("The audience's size afterwards.")] long Members,
    [property: Description("The first 100 failed rows.")] IReadOnlyList<AudienceFileFailureResponse> Failures);

public sealed record AudienceFileFailureResponse(
    [property: Description("The row number in the file; the header is row 1.")] long Row,
    [property: Description("The user id cell as read (at most 100 characters).")] string Value,
    [property: Description("INVALID_USER_ID: not 1 to 9223372036854775807 in ASCII digits.")] string Reason);

/// <summary>
/// POST /api/v1/merchant/audience-files/{id}, multipart/form-data, streamed by the endpoint as a distribution task's form is:
/// this record describes its part for the OpenAPI document.
/// </summary>
public sealed record AudienceFileForm(
    [property: System.ComponentModel.DataAnnotations.Required, Description("The users: CSV with a header row, or .xlsx (first sheet, "
        + "first row the header), with a user id column (userId, user_id or uid); at most Distribution:MaxFileBytes (256 MiB).")]
    Stream File);
