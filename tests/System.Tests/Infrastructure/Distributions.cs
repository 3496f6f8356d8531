using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>Builders and readers for distribution tasks, in the API's own words.</summary>
public static class Distributions
{
    /// <summary>A CSV recipients file: a header, then one line per row as given.</summary>
    public static byte[] Csv(IEnumerable<string> rows, string header = "userId,phone") =>
        Encoding.UTF8.GetBytes(header + "\n" + string.Join("\n", rows) + "\n");

    public static byte[] CsvOfUsers(IEnumerable<long> users) => Csv(users.Select(u => $"{u},1380000{u % 10000:0000}"));

    public static byte[] Xlsx(IEnumerable<object?> userIds)
    {
        using var stream = new MemoryStream();
        stream.SaveAs(userIds.Select(u => new Dictionary<string, object?> { ["user_id"] = u, ["note"] = "vip" }), excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>
    /// A zip bomb shaped as a workbook: the header cell holds <paramref name="headerCellBytes"/> of 'x', which deflate
    /// packs about a thousand to one (400 MB in some 400 KB).
    /// </summary>
    public static byte[] XlsxBomb(long headerCellBytes = 400L * 1024 * 1024)
    {
        const string main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Part(string name, Action<TextWriter> write)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false), 1 << 16);
                write(writer);
            }
            Part("xl/workbook.xml", w => w.Write($"<workbook xmlns=\"{main}\"><sheets><sheet name=\"S\" sheetId=\"1\"/></sheets></workbook>"));
            Part("xl/worksheets/sheet1.xml", w =>
            {
                w.Write($"<worksheet xmlns=\"{main}\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
                var block = new string('x', 1 << 20).ToCharArray();
                for (var left = headerCellBytes; left > 0; left -= block.Length) w.Write(block, 0, (int)Math.Min(block.Length, left));
                w.Write("</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c " +
                    "r=\"B2\"><v>1001</v></c></row></sheetData></worksheet>");
            });
        }
        return memory.ToArray();
    }

    public static MultipartFormDataContent Form(string templateId, byte[] file, string fileName = "recipients.csv", string name = "Spring push",
        DateTimeOffset? startAt = null, string? notify = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(templateId), "templateId" },
            { new StringContent(name), "name" },
        };
        if (startAt is { } s) form.Add(new StringContent(s.ToString("O")), "startAt");
        if (notify is not null) form.Add(new StringContent(notify), "notify");
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", fileName);
        return form;
    }

    public static async Task<string> CreateTaskAsync(this HttpClient merchant, MultipartFormDataContent form)
    {
        var response = await merchant.PostAsync("/api/v1/merchant/distribution-tasks", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Id();
    }

    public static async Task<JsonElement> TaskAsync(this HttpClient merchant, string taskId) =>
        await (await merchant.GetAsync($"/api/v1/merchant/distribution-tasks/{taskId}")).JsonAsync();

    /// <summary>Polls the task until it has one of the statuses (never a fixed sleep), or fails with the last state seen.</summary>
    public static async Task<JsonElement> UntilAsync(this HttpClient merchant, string taskId, params string[] statuses) =>
        await merchant.UntilAsync(taskId, t => statuses.Contains(t.Str("status")), string.Join("/", statuses));

    public static Task<JsonElement> UntilAsync(this HttpClient merchant, string taskId, Func<JsonElement, bool> done, string what, int seconds = 60)
        =>
        Eventually(() => merchant.TaskAsync(taskId), done, Seconds(seconds), $"task {taskId} to reach {what}");

    public static long Long(this JsonElement e, string property) => e.GetProperty(property).GetInt64();
}
