using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.ModuleHttp;

/// <summary>What an upload endpoint accepts: the fields it names in its refusal, the file's name in messages, its size limit.</summary>
/// <param name="Expected">The form's parts as a sentence fragment, e.g. "day, file and optionally merchantId".</param>
/// <param name="FileNoun">What the file is, e.g. "order file", in the too-large messages.</param>
/// <param name="FileTooLarge">The module's problem for a file over <paramref name="MaxFileBytes"/>, given its message.</param>
internal sealed record UploadForm(string Expected, string FileNoun, long MaxFileBytes, Func<string, IResult> FileTooLarge);

/// <summary>
/// Reads a multipart/form-data body as it streams in: each text field (at most <see cref="MaxFieldBytes"/>) goes to the
/// caller as it arrives, and the first part named "file" is handed to the caller's copy, so no upload is held in memory.
/// A body that is not such a form, cut short, too large or abandoned by its client is answered here; the caller's
/// callbacks refuse what they do not accept. Whoever stores the file deletes it when the answer is a refusal.
/// </summary>
internal static class StreamedForm
{
    public const int MaxFieldBytes = 4096;

    /// <summary>A field's value as read; a refusal to stop reading with.</summary>
    public delegate IResult? OnField(string name, string value);

    /// <summary>Copies the file part's body, at most <paramref name="limit"/> bytes; false when it is longer.</summary>
    public delegate Task<bool> OnFile(string fileName, Stream body, long limit, CancellationToken ct);

    /// <summary>Null when the whole form was read, else the answer to give instead.</summary>
    public static async Task<IResult?> ReadAsync(HttpContext http, UploadForm form, OnField onField, OnFile onFile, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
            return ProblemResults.Status(ErrorCodes.UnsupportedMediaType, $"Send multipart/form-data with {form.Expected}.");

        var limit = form.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        try
        {
            return await ReadSectionsAsync(new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null }, form, onField, onFile, ct);
        }
        // Failures while the body is read (a copy's own failures are not IOExceptions here: see SpooledFile.WriteAsync).
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested
            && e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return Results.StatusCode(StatusCodes.Status499ClientClosedRequest); // the client went away mid-upload: nobody reads this, logs do
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return form.FileTooLarge($"The request is larger than the {limit}-byte {form.FileNoun} allowed; nothing was stored.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A boundary or section header that does not parse, or a body that ends before its closing boundary.
            return ProblemResults.Status(ErrorCodes.MalformedRequest, e is IOException
                ? "The multipart body ends before its closing boundary; nothing was stored."
                : "The multipart body cannot be read: " + e.Message);
        }
    }

    private static async Task<IResult?> ReadSectionsAsync(
        MultipartReader reader, UploadForm form, OnField onField, OnFile onFile, CancellationToken ct)
    {
        var fileSeen = false;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } name)
                continue;
            name = HeaderUtilities.RemoveQuotes(name).Value ?? name;
            if (!disposition.IsFileDisposition())
            {
                var value = await ReadFieldAsync(section.Body, ct);
                if (value is null) return ProblemResults.Invalid(new FieldErrors().Add(name, $"At most {MaxFieldBytes} bytes."));
                if (onField(name, value) is { } refusal) return refusal;
            }
            else if (name == "file" && !fileSeen)
            {
                fileSeen = true;
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value
                    ?? "";
                if (!await onFile(fileName, section.Body, form.MaxFileBytes, ct))
                    return form.FileTooLarge(
                        $"The {form.FileNoun} is larger than {form.MaxFileBytes} bytes, the most accepted; nothing was stored.");
            }
        }
        return null;
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return read > MaxFieldBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}
