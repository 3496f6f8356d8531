using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>
/// Reads the multipart/form-data body of a reconciliation as it streams in (<see cref="StreamedForm"/>): the text fields
/// (day, merchantId) and the first part named "file", copied to the work folder (deleted when the form is disposed), so
/// no upload is held in memory. A body that is not such a form, cut short or too large is answered there.
/// </summary>
internal sealed class ReconciliationFormReader(IOptions<ReconciliationOptions> options)
{
    public async Task<ReconciliationForm> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var form = new ReconciliationForm();
        try
        {
            var upload = new UploadForm("day, file and optionally merchantId", "order file", options.Value.MaxFileBytes,
                detail => ProblemResults.Status(ErrorCodes.OrderFileTooLarge, detail));
            form.Refusal = await StreamedForm.ReadAsync(http, upload, (name, value) => form.Fields.TryAdd(name, value)
                ? null
                : ProblemResults.Invalid(new FieldErrors().Add(name, "Given twice.")), (fileName, body, limit, token) =>
                HoldAsync(form, fileName, body, limit, token), ct);
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    private async Task<bool> HoldAsync(ReconciliationForm form, string fileName, Stream body, long limit, CancellationToken ct)
    {
        form.FileName = fileName;
        Directory.CreateDirectory(options.Value.WorkDirectory);
        form.Path = System.IO.Path.Combine(options.Value.WorkDirectory, $"upload-{Guid.NewGuid():N}");
        form.Held = new FileStream(form.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            form.Bytes += read;
            if (form.Bytes > limit) return false;
            await form.Held.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        await form.Held.FlushAsync(ct);
        return true;
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
