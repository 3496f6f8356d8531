using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Distribution.Execution;
using PromotionEngine.Distribution.Messaging;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>What the multipart form said, as text; <see cref="File"/> is the upload spooled to a local file.</summary>
internal sealed record TaskForm(IReadOnlyDictionary<string, IReadOnlyList<string>> Fields, UploadedFile? File);

/// <summary>An uploaded file on local disk, with its size and SHA-256 (for the Idempotency-Key's request hash).</summary>
internal sealed record UploadedFile(string Name, string Path, long Bytes, string Sha256);

/// <summary>
/// A merchant pushes a template's coupons to the users in a file. The form and the file's header are checked
/// now (a clear 400 for a wrong file, nothing stored); the file is stored with the task in one transaction and
/// answered at once; rows are counted, checked and chunked in the background. With an Idempotency-Key a retry
/// returns the first task.
/// </summary>
internal sealed class CreateDistributionTask(IDatabase db, IDistributionTasks tasks, IRecipientStore store, IOutbox outbox,
    ICouponTemplateCatalog catalog, IdGenerator ids, TimeProvider clock, DistributionSignal signal, IOptions<DistributionOptions> options,
    DistributionMetrics metrics)
{
    public const int MaxNameLength = 100;
    public const int MaxFileNameLength = 255;
    private static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(1);

    public async Task<TaskOutcome> HandleAsync(MerchantId merchant, TaskForm form, IdempotencyKey? key, CancellationToken ct)
    {
        var now = UtcMillis.Now(clock);
        var errors = new FieldErrors();
        var request = Read(form, now, errors);
        if (request is null) return new TaskOutcome.Invalid(errors);
        var file = form.File!;

        var hash = Hash(request, file);
        if (key is { } k && await tasks.FindRequestAsync(merchant, k, ct) is { } earlier) return await ReplayAsync(earlier, hash, ct);

        var layout = RecipientFile.Inspect(file.Path, WorkbookLimits.For(options.Value), out var problem);
        if (layout is null)
            return problem!.Limit is { } limit
                ? new TaskOutcome.FileOverLimit(limit, problem.Message)
                : new TaskOutcome.Invalid(new FieldErrors().Add("file", problem.Message), ErrorCodes.RecipientsFileInvalid);

        var template = await catalog.FindAsync(request.Template, ct);
        if (template is null || template.Merchant != merchant)
            return Refuse(ErrorCodes.TemplateNotFound, $"No template {request.Template} belongs to this merchant.", "templateId");
        if (template.Terminated) return Refuse(
            ErrorCodes.TemplateTerminated,
            "The template is terminated: it issues no more coupons.",
            "templateId");
        if (now >= template
            .ValidUntil) return Refuse(ErrorCodes.TemplateEnded, "The template's claim window has passed.", "templateId");
        var start = request.StartAt ?? now;
        if (start < template.ValidFrom || start >= template.ValidUntil)
            return Refuse(ErrorCodes.StartOutsideTemplateWindow,
                $"The task must start within the template's claim window, from {template.ValidFrom:O} until {template.ValidUntil:O}.", "startAt",
                new Dictionary<string, object?> { ["validFrom"] = template.ValidFrom, ["validUntil"] = template.ValidUntil });
        // A campaign's window closes its templates' pushes as it closes their claims: a task must start inside it too.
        if (template.BudgetTerms is { CampaignValidFrom: { } from, CampaignValidUntil: { } until } && (start < from || start >= until))
            return Refuse(ErrorCodes.StartOutsideCampaignWindow,
                $"The task must start within the window of the template's campaign, from {from:O} until {until:O}.", "startAt",
                new Dictionary<string, object?> { ["validFrom"] = from, ["validUntil"] = until });

        var task = DistributionTask.Create(ids.Next(), merchant, request.Template, request.Name, request.Notify, start, request.FileName,
            layout.Format, file.Bytes, layout.UserIdColumn, now);
        var raced = await db.WriteWithRetryAsync(async scope =>
        {
            if (key is { } k2 && await tasks.RecordRequestAsync(merchant, k2, hash, task.Id, scope, ct) is { } first) return first;
            await tasks.AddAsync(task, scope, ct);
            await store.AddFileAsync(task.Id, file.Path, scope, ct);
            await outbox.AddAsync(TaskEvents.Created(task), scope, ct);
            await scope.CommitAsync(ct);
            return ((string, long)?)null;
        }, ct);
        if (raced is { } r) return await ReplayAsync(r, hash, ct);
        metrics.Entered(task.Status);
        signal.Notify();
        return new TaskOutcome.Created(task);
    }

    private sealed record Request(TemplateId Template, string Name, DateTimeOffset? StartAt, IReadOnlyList<NotifyChannel> Notify, string FileName);

    private Request? Read(TaskForm form, DateTimeOffset now, FieldErrors errors)
    {
        string? Single(string field)
        {
            if (!form.Fields.TryGetValue(field, out var values) || values.Count == 0) return null;
            if (values.Count > 1) errors.Add(field, "Give it once.");
            return values[0];
        }

        var templateText = Single("templateId");
        long templateId = 0;
        errors.When(!long.TryParse(templateText, NumberStyles.None, CultureInfo.InvariantCulture, out templateId) || templateId < 1,
            "templateId", "Required: a template id.");

        var name = Single("name")?.Trim();
        errors.When(string.IsNullOrEmpty(name) || name.Length > MaxNameLength, "name", $"Required: 1 to {MaxNameLength} characters.")
              .Text("name", name);

        DateTimeOffset? startAt = null;
        if (Single("startAt") is { Length: > 0 } startText)
        {
            if (!IsoTime.HasOffset(startText.Trim())
                || !DateTimeOffset.TryParse(startText.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                errors.Add("startAt", "An ISO-8601 time with an offset, e.g. 2026-12-24T20:00:00+08:00; leave it out to start now.");
            else if (parsed < now - PastTolerance) errors.Add("startAt", "It is in the past; leave it out to start now.");
            else if (parsed > now + options.Value.MaxScheduleAhead)
                errors.Add("startAt", $"At most {options.Value.MaxScheduleAhead.TotalDays:0} days ahead.");
            else startAt = UtcMillis.ToTime(UtcMillis.From(parsed > now ? parsed : now));
        }

        var notify = new List<NotifyChannel>();
        foreach (var value in form.Fields.GetValueOrDefault("notify") ?? [])
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (DistributionNames.TryParse(part.ToUpperInvariant(), out NotifyChannel channel))
                {
                    if (!notify.Contains(channel)) notify.Add(channel);
                }
                else errors.Add("notify", $"'{RecipientFile.Truncate(part, 20)}' is not one of IN_APP, POPUP, EMAIL, SMS.");
            }
        }

        if (form.File is null) errors.Add("file", "Required: the recipients file (CSV with a header row, or .xlsx).");
        else if (form.File.Bytes == 0) errors.Add("file", "The file is empty.");
        if (!errors.IsEmpty) return null;
        var fileName = Path.GetFileName(form.File!.Name.Replace('\\', '/'));
        return new Request(new TemplateId(templateId), name!, startAt, notify.Order().ToList(),
            RecipientFile.Truncate(string.IsNullOrWhiteSpace(fileName) ? "recipients" : fileName, MaxFileNameLength));
    }

    private async Task<TaskOutcome> ReplayAsync((string Hash, long TaskId) earlier, string hash, CancellationToken ct)
    {
        if (earlier.Hash != hash)
            return Refuse(
                ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was used for a different request.",
                "Idempotency-Key");
        var task = await tasks.FindAsync(earlier.TaskId, ct)
            ?? throw new InvalidOperationException($"Task {earlier.TaskId} of a recorded request is missing.");
        return new TaskOutcome.Done(task);
    }

    private static string Hash(Request r, UploadedFile file) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('|',
        r.Template.ToString(), r.Name, r.StartAt is { } s ? UtcMillis.From(s).ToString(CultureInfo.InvariantCulture) : "now",
        DistributionNames.Join(r.Notify), file.Sha256))));

    private static TaskOutcome Refuse(
        ErrorCode code,
        string message,
        string? field = null,
        IReadOnlyDictionary<string, object?>? details = null) =>
        new TaskOutcome.Refused(new Refusal(code, message, field, details));
}
