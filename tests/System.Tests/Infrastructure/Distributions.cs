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

    public static async Task<JsonElement> UntilAsync(this HttpClient merchant, string taskId, Func<JsonElement, bool> done, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonElement task;
        while (!done(task = await merchant.TaskAsync(taskId)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Task {taskId} did not reach {what} in {seconds} s: {task}");
            await Task.Delay(25);
        }
        return task;
    }

    public static long Long(this JsonElement e, string property) => e.GetProperty(property).GetInt64();
}
