using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Recipients;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>
/// Reads the multipart/form-data body of a new task (or an audience file) as it streams in (<see cref="StreamedForm"/>):
/// the text fields and the first part named "file", copied into the recipients spool and hashed on the way, so no upload
/// is held in memory. A body that is not such a form, cut short, too large, or abandoned by its client is answered there,
/// with nothing stored.
/// </summary>
internal sealed class TaskFormReader(RecipientSpool spool, IOptions<DistributionOptions> options)
{
    /// <summary>The form, or the answer to give instead. Dispose it on every path: the spooled upload goes with it.</summary>
    public async Task<ReadTaskForm> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var read = new ReadTaskForm();
        try
        {
            var form = new UploadForm("templateId, name, file and optionally startAt and notify", "recipients file",
                options.Value.MaxFileBytes, DistributionProblems.FileTooLarge);
            read.Refusal = await StreamedForm.ReadAsync(http, form, (name, value) =>
            {
                read.AddField(name, value);
                return null;
            }, async (fileName, body, limit, token) =>
            {
                var spooled = read.Spooled = spool.Create("upload");
                if (await spooled.CopyFromAsync(body, limit, token) is not { } copy) return false;
                read.File = new UploadedFile(fileName, spooled.Path, copy.Bytes, copy.Sha256);
                return true;
            }, ct);
            return read;
        }
        catch
        {
            read.Dispose();
            throw;
        }
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
