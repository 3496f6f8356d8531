using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>
/// Reads the multipart/form-data body of a new task as it streams in: the text fields (each at most
/// <see cref="MaxFieldBytes"/>) and the first part named "file", copied into the recipients spool and hashed on the
/// way, so no upload is held in memory. A body that is not such a form, cut short, too large, or abandoned by its
/// client is answered here, with nothing stored.
/// </summary>
internal sealed class TaskFormReader(RecipientSpool spool, IOptions<DistributionOptions> options)
{
    public const int MaxFieldBytes = 4096;

    /// <summary>The form, or the answer to give instead. Dispose it on every path: the spooled upload goes with it.</summary>
    public async Task<ReadTaskForm> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var read = new ReadTaskForm();
        try
        {
            read.Refusal = await FillAsync(read, http, ct);
            return read;
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    private async Task<IResult?> FillAsync(ReadTaskForm read, HttpContext http, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
            return ProblemResults.Status(
                ErrorCodes.UnsupportedMediaType,
                "Send multipart/form-data with templateId, name, file and optionally startAt and notify.");

        var limit = options.Value.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        try
        {
            return await ReadSectionsAsync(read, new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null }, limit, ct);
        }
        // Failures while the body is read (the spool's own failures are not IOExceptions here: see SpooledFile.WriteAsync).
        catch (Exception e) when (http.RequestAborted.IsCancellationRequested
            && e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return Results.StatusCode(StatusCodes.Status499ClientClosedRequest); // the client went away mid-upload: nobody reads this, logs do
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return DistributionProblems.FileTooLarge($"The request is larger than the {limit}-byte recipients file allowed; nothing was stored.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A boundary or section header that does not parse, or a body that ends before its closing boundary.
            return ProblemResults.Status(ErrorCodes.MalformedRequest, e is IOException
                ? "The multipart body ends before its closing boundary; nothing was stored."
                : "The multipart body cannot be read: " + e.Message);
        }
    }

    private async Task<IResult?> ReadSectionsAsync(ReadTaskForm read, MultipartReader reader, long limit, CancellationToken ct)
    {
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
                read.AddField(name, value);
            }
            else if (name == "file" && read.File is null)
            {
                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value
                    ?? "";
                var spooled = read.Spooled = spool.Create("upload");
                if (await spooled.CopyFromAsync(section.Body, limit, ct) is not { } copy)
                    return DistributionProblems.FileTooLarge(
                        $"The recipients file is larger than {limit} bytes, the most accepted; nothing was stored.");
                read.File = new UploadedFile(fileName, spooled.Path, copy.Bytes, copy.Sha256);
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

/// <summary>A task form as read: its fields and file, or the <see cref="Refusal"/> to answer; holds the spooled upload until disposed.</summary>
internal sealed class ReadTaskForm : IDisposable
{
    private readonly Dictionary<string, List<string>> _fields = new(StringComparer.Ordinal);

    public IResult? Refusal { get; set; }

    public UploadedFile? File { get; set; }

    public SpooledFile? Spooled { get; set; }

    public void AddField(string name, string value)
    {
        if (!_fields.TryGetValue(name, out var values)) _fields[name] = values = [];
        values.Add(value);
    }

    public TaskForm Form => new(_fields.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value), File);

    public void Dispose() => Spooled?.Dispose();
}
