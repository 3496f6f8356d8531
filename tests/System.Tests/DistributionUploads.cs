using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The upload of a recipients file when the request goes wrong: a multipart body that stops short, a client that goes
/// away mid-upload. The answer is a 400 (or nothing, to a client that is gone), never a 500, and the spooled file is
/// deleted on every path: the spool folder under the data folder ends empty.
/// </summary>
public sealed class DistributionUploads(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string Boundary = "upload-boundary-7MA4YWxkTrZu0gW";
    private HttpClient Merchant { get; } = app.AsMerchant(EngineApp.NewId());

    private string Spool => Path.Combine(app.DataDirectory, "distribution-spool");

    /// <summary>Uploads in the spool now (imports of tasks created by other tests of the class may be there too, for a while).</summary>
    private string[] SpooledUploads() => Directory.Exists(Spool) ? Directory.GetFiles(Spool, "upload-*") : [];

    private static HttpContent Multipart(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    private static string Field(string name, string value) =>
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";

    private static string FileStart(string fileName = "recipients.csv") =>
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: text/csv\r\n\r\n";

    [Theory]
    [InlineData("file")]
    [InlineData("field")]
    public async Task A_body_that_stops_before_its_closing_boundary_is_a_malformed_request_and_leaves_no_file(string cutIn)
    {
        var rows = "userId\n" + string.Join("\n", Enumerable.Range(1, 20_000));
        var body = cutIn == "file"
            ? Field("templateId", "1") + Field("name", "cut") + FileStart() + rows // no boundary after the file
            : FileStart() + rows + "\r\n" + Field("templateId", "1") + $"--{Boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nno end";
        var response = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Multipart(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        Assert.Empty(SpooledUploads()); // deleted before the answer was sent
    }

    [Fact]
    public async Task Uploads_are_spooled_under_the_data_folder_and_gone_once_answered()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId()])));
        Assert.True(Directory.Exists(Spool), "the spool folder is under the data folder");
        Assert.Empty(SpooledUploads()); // deleted before the answer was sent

        // The import copies the stored file back into the spool while it reads it, and deletes it when done.
        await Merchant.UntilAsync(task, "SUCCEEDED");
        await SpoolEmptiedAsync(Spool, "after the import");
    }

    /// <summary>Until the spool folder holds no file (a file's name is the last thing seen otherwise).</summary>
    internal static Task SpoolEmptiedAsync(string spool, string when) =>
        Eventually(() => Task.FromResult(Directory.GetFiles(spool).Select(Path.GetFileName).ToList()), files => files.Count == 0, Seconds(30),
            $"the spool to be empty {when}", every: TimeSpan.FromMilliseconds(20));
}

/// <summary>Files a crashed instance left in the spool are swept when an instance starts; files another live instance holds are not.</summary>
public sealed class DistributionSpoolSweep
{
    [Fact]
    public async Task Orphans_in_the_spool_are_swept_at_start_and_files_in_use_are_kept()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-tests-" + Guid.NewGuid().ToString("N"));
        var spool = Directory.CreateDirectory(Path.Combine(directory, "distribution-spool")).FullName;
        var orphan = Path.Combine(spool, "upload-left-by-a-crash");
        await File.WriteAllTextAsync(orphan, "userId\n1\n");
        var inUse = Path.Combine(spool, "upload-of-a-live-instance");
        // Another instance sharing the data folder holds its upload open (a shared lock, as the spool opens them).
        await using var held = new FileStream(inUse, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        await using var app = new SqliteApp(directory);
        await app.InitializeAsync();

        Assert.False(File.Exists(orphan), "the orphan is swept at start");
        Assert.True(File.Exists(inUse), "a file a live process holds is not an orphan");
        await ((IAsyncLifetime)app).DisposeAsync();
    }
}

/// <summary>A real client that goes away in the middle of an upload, against a real Kestrel (the Host as a child process).</summary>
public sealed class DistributionUploadAborted
{
    [Fact]
    public async Task A_client_that_disconnects_mid_upload_leaves_no_file_in_the_spool()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-tests-" + Guid.NewGuid().ToString("N"));
        var spool = Path.Combine(directory, "distribution-spool");
        var settings = new Dictionary<string, string>
        {
            ["Promotion:DataDirectory"] = directory,
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        try
        {
            await using var host = await HostProcess.StartAsync(settings);
            var token = EngineApp.Tokens.Issue(CallerRole.Merchant, "77", TimeSpan.FromHours(1));
            foreach (var how in new[] { "close", "reset", "close" })
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, host.Port);
                var stream = client.GetStream();
                const string boundary = "abort-boundary";
                var head = $"--{boundary}\r\nContent-Disposition: form-data; name=\"templateId\"\r\n\r\n1\r\n" +
                    $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nuserId\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"POST /api/v1/merchant/distribution-tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n" +
                    $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {64L * 1024 * 1024}\r\n\r\n{head}"));
                var rows = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1_000_000, 100_000).Select(i => i + "\n")));
                await stream.WriteAsync(rows); // about 800 KB of the 64 MB promised
                await stream.FlushAsync();

                await Eventually(() => Task.FromResult(Directory.Exists(spool) && Directory.GetFiles(spool).Length > 0), Seconds(30),
                    "the upload to reach the spool folder under the data folder", every: TimeSpan.FromMilliseconds(20));
                if (how == "reset") client.Client.LingerState = new LingerOption(true, 0); // RST rather than FIN
                client.Close();

                await DistributionUploads.SpoolEmptiedAsync(spool, $"after a {how}");
            }
            using var check = host.CreateManagementClient(); // health answers on the management port
            Assert.Equal(HttpStatusCode.OK, (await check.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
