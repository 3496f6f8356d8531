using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The Host's stdout in Production is JSON lines for a log collector (docs/operations.md, "Logs"): a whole lifecycle on
/// MariaDB through a database user with a password, at Debug so that every category writes what it can, leaves
/// nothing on stdout but JSON objects carrying the business ids in scope, and never a token, the signing key or the
/// database password.
/// </summary>
public sealed class JsonLogs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = Seconds(60);
    private readonly string _database = "promo_logs_" + Guid.NewGuid().ToString("N")[..10];
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    private readonly string _data = Path.Combine(Path.GetTempPath(), "promo-logs-" + Guid.NewGuid().ToString("N"));
    private readonly string _signingKey = Convert.ToBase64String(EngineApp.SigningKey);

    public async Task InitializeAsync()
    {
        await using var root = new MySqlConnection(MariaDbApp.ServerConnectionString);
        await root.OpenAsync();
        foreach (var sql in new[]
        {
            $"CREATE DATABASE `{_database}`",
            $"CREATE USER '{_database}'@'127.0.0.1' IDENTIFIED BY '{_password}'",
            $"GRANT ALL ON `{_database}`.* TO '{_database}'@'127.0.0.1'",
        })
        {
            await using var command = new MySqlCommand(sql, root);
            await command.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_whole_lifecycle_writes_json_lines_with_business_ids_and_no_secret()
    {
        var server = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString);
        var connection = new MySqlConnectionStringBuilder
        {
            Server = server.Server, Port = server.Port, Database = _database, UserID = _database, Password = _password,
        }.ConnectionString;
        var tokens = new List<string>();
        HttpClient As(HostProcess host, CallerRole role, long id)
        {
            var token = EngineApp.Tokens.Issue(role, role is CallerRole.Service ? "order-service" : id.ToString(), TimeSpan.FromHours(1));
            tokens.Add(token);
            var client = host.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        string output;
        long merchantId = EngineApp.NewId(), userId = EngineApp.NewId();
        string template, order, task;
        await using (var host = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["Promotion:Database:Provider"] = "MySql",
            ["Promotion:Database:ConnectionString"] = connection,
            ["Promotion:DataDirectory"] = _data,
            ["Promotion:Auth:SigningKey"] = _signingKey,
            ["Logging:LogLevel:Default"] = "Debug", // every category's lines, the framework's included
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
            ["Distribution:PollInterval"] = "00:00:00.050",
        }))
        {
            using var merchant = As(host, CallerRole.Merchant, merchantId);
            using var user = As(host, CallerRole.User, userId);
            using var service = As(host, CallerRole.Service, 0);

            template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow))).Id();
            Assert.Equal(HttpStatusCode.OK, (await merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{template}/stock", new { quantity = 5 }))
                .StatusCode);
            var coupon = await user.ClaimedCouponIdAsync(template);
            var cart = new { userId, currency = "CNY", lines = new[] { new { sku = "tea", shopId = 1, unitPrice = 12_000, quantity = 1 } } };
            var quote = await service.PostAsJsonAsync("/api/v1/settlement/quotes", cart);
            Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
            order = Api.NewOrderId();
            Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(order, userId, [coupon])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "consume")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "refund")).StatusCode);

            task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId(), EngineApp.NewId()])));
            await merchant.UntilAsync(task, "SUCCEEDED");
            output = host.Output;
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(ParseLine).ToList();
        foreach (var entry in entries)
        {
            Assert.True(entry.TryGetProperty("Timestamp", out var at) && at.GetString()!.EndsWith('Z')
                && DateTimeOffset.TryParse(at.GetString(), out _), $"No UTC ISO-8601 timestamp: {entry}");
            Assert.Contains(entry.GetProperty("LogLevel").GetString(), new[] { "Trace", "Debug", "Information", "Warning", "Error", "Critical" });
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("Category").GetString()), $"No category: {entry}");
            Assert.True(entry.TryGetProperty("Message", out _), $"No message: {entry}");
        }

        // Inside a request, every line names its trace and span; a line from a message template keeps the template and its values.
        var inRequests = entries.Where(e => Scope(e, "RequestPath") is not null).ToList();
        Assert.NotEmpty(inRequests);
        Assert.All(inRequests, e => Assert.Matches("^[0-9a-f]{32}$", Scope(e, "TraceId")));
        Assert.All(inRequests, e => Assert.Matches("^[0-9a-f]{16}$", Scope(e, "SpanId")));
        var claimed = Assert.Single(entries, e => e.GetProperty("Message").GetString() == "Claim answered: Claimed");
        Assert.Equal("Claim answered: {Outcome}", claimed.GetProperty("State").GetProperty("{OriginalFormat}").GetString());
        Assert.Equal("Claimed", claimed.GetProperty("State").GetProperty("Outcome").GetString());
        Assert.Equal(template, Scope(claimed, "templateId"));
        Assert.Equal(userId.ToString(), Scope(claimed, "userId"));

        // The business ids, each on lines of the edge that knows it.
        Assert.Contains(entries, e => Scope(e, "merchantId") == merchantId.ToString() && Scope(e, "templateId") == template); // stock added
        Assert.Contains(entries, e => Scope(e, "orderId") == order && Scope(e, "RequestPath") == $"/api/v1/orders/{order}/coupons/lock");
        Assert.Contains(entries, e => Scope(e, "orderId") == order && Scope(e, "RequestPath") == $"/api/v1/orders/{order}/coupons/refund");
        Assert.Contains(entries, e => Scope(e, "taskId") == task && e.GetProperty("Message").GetString() == $"Distribution task {task} started");

        // Secrets: the bearer tokens (whole, and their signatures), the signing key, the database password.
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, output);
            Assert.DoesNotContain(token[(token.LastIndexOf('.') + 1)..], output);
        }
        Assert.DoesNotContain(_signingKey, output);
        Assert.DoesNotContain(_password, output);
    }

    /// <summary>A line as the collector reads it: one JSON object, nothing around it.</summary>
    private static JsonElement ParseLine(string line)
    {
        try
        {
            var json = JsonDocument.Parse(line).RootElement;
            Assert.Equal(JsonValueKind.Object, json.ValueKind);
            return json.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"Not a JSON line: {line} ({e.Message})");
        }
    }

    /// <summary>The value of <paramref name="key"/> in any of the line's scopes, as text.</summary>
    private static string? Scope(JsonElement entry, string key)
    {
        if (!entry.TryGetProperty("Scopes", out var scopes)) return null;
        foreach (var scope in scopes.EnumerateArray())
        {
            if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(key, out var value))
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        }
        return null;
    }

    public async Task DisposeAsync()
    {
        await using var root = new MySqlConnection(MariaDbApp.ServerConnectionString);
        await root.OpenAsync();
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS `{_database}`", $"DROP USER IF EXISTS '{_database}'@'127.0.0.1'" })
        {
            await using var command = new MySqlCommand(sql, root);
            await command.ExecuteNonQueryAsync();
        }
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
