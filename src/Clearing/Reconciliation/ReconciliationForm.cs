using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>
/// Reads the multipart/form-data body of a reconciliation as it streams in: the text fields (day, merchantId; each at most
/// <see cref="MaxFieldBytes"/>) and the first part named "file", copied to the work folder (deleted when the form is
/// disposed), so no upload is held in memory. A body that is not such a form, cut short or too large is answered here.
/// </summary>
internal sealed class ReconciliationFormReader(IOptions<ReconciliationOptions> options)
{
    public const int MaxFieldBytes = 4096;

    public async Task<ReconciliationForm> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var form = new ReconciliationForm();
        try
        {
            form.Refusal = await FillAsync(form, http, ct);
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    private async Task<IResult?> FillAsync(ReconciliationForm form, HttpContext http, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
            return ProblemResults.Status(ErrorCodes.UnsupportedMediaType, "Send multipart/form-data with day, file and optionally merchantId.");

        var limit = options.Value.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || disposition.Name.Value is not { } name)
                    continue;
                name = HeaderUtilities.RemoveQuotes(name).Value ?? name;
                if (!disposition.IsFileDisposition())
                {
                    var buffer = new byte[MaxFieldBytes + 1];
                    var read = await section.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
                    if (read > MaxFieldBytes) return ProblemResults.Invalid(new FieldErrors().Add(name, $"At most {MaxFieldBytes} bytes."));
                    if (!form.Fields.TryAdd(name, System.Text.Encoding.UTF8.GetString(buffer, 0, read)))
                        return ProblemResults.Invalid(new FieldErrors().Add(name, "Given twice."));
                }
                else if (name == "file" && form.Path is null)
                {
                    form.FileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName)
                        .Value ?? "";
                    Directory.CreateDirectory(options.Value.WorkDirectory);
                    form.Path = System.IO.Path.Combine(options.Value.WorkDirectory, $"upload-{Guid.NewGuid():N}");
                    form.Held = new FileStream(form.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 64 * 1024,
                        FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    var buffer = new byte[64 * 1024];
                    int read;
                    while ((read = await section.Body.ReadAsync(buffer, ct)) > 0)
                    {
                        form.Bytes += read;
                        if (form.Bytes > limit)
                            return ProblemResults.Status(ErrorCodes.OrderFileTooLarge,
                                $"The order file is larger than {limit} bytes, the most accepted; nothing was stored.");
                        await form.Held.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                    await form.Held.FlushAsync(ct);
                }
            }
            return null;
        }
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested
            && e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return Results.StatusCode(StatusCodes.Status499ClientClosedRequest); // the client went away mid-upload: nobody reads this
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ProblemResults.Status(
                ErrorCodes.OrderFileTooLarge, $"The request is larger than the {limit}-byte order file allowed; nothing was stored.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return ProblemResults.Status(ErrorCodes.MalformedRequest, e is IOException
                ? "The multipart body ends before its closing boundary; nothing was stored."
                : "The multipart body cannot be read: " + e.Message);
        }
    }
}

/// <summary>A reconciliation form as read: its fields and file, or the <see cref="Refusal"/>; holds the uploaded file until disposed.</summary>
internal sealed class ReconciliationForm : IDisposable
{
    public IResult? Refusal { get; set; }
    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);
    public string? FileName { get; set; }
    public string? Path { get; set; }
    public long Bytes { get; set; }
    public FileStream? Held { get; set; }

    public void Dispose() => Held?.Dispose();
}
