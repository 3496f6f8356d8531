using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

/// <summary>
/// The campaign rules a template can be put under, for the "rules on" runs (bench/rules.sh): a money-budgeted campaign that
/// stops claims when its budget runs low (so a claim reads the budget), an audience of the users who will claim (so a claim
/// probes membership), and per-user limits per day, ISO week and month in a time zone (so a claim counts three periods).
/// </summary>
internal static class CampaignRules
{
    private const int PushBatch = 10_000; // the most one push of members takes

    // BENCH_RULES picks which rules are on (a comma list of audience, budget, periods; default all), to see what each costs.
    private static readonly HashSet<string> On =
        [.. (Environment.GetEnvironmentVariable("BENCH_RULES") ?? "audience,budget,periods").Split(',', StringSplitOptions.TrimEntries)];

    public static bool Audience => On.Contains("audience");

    public static bool Budget => On.Contains("budget");

    /// <summary>A budgeted campaign of merchant 1 in CNY, open for a day; the budget is far above what a run can spend.</summary>
    public static async Task<string> CampaignAsync(HttpClient merchant)
    {
        var created = await merchant.PostAsJsonAsync("/api/v1/merchant/campaigns", new
        {
            name = "bench campaign", currency = "CNY", validFrom = DateTimeOffset.UtcNow.AddMinutes(-1),
            validUntil = DateTimeOffset.UtcNow.AddDays(1), budget = 1_000_000_000_000L, stopClaimsWhenLow = true,
        });
        return await IdOfAsync(created);
    }

    /// <summary>An audience of merchant 1 holding users [first, first + count), pushed 10 000 at a time by a service.</summary>
    public static async Task<string> AudienceAsync(HttpClient merchant, HttpClient service, long first, long count)
    {
        var audience = await IdOfAsync(await merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "bench audience" }));
        for (var start = first; start < first + count; start += PushBatch)
        {
            var add = Enumerable.Range(0, (int)Math.Min(PushBatch, first + count - start)).Select(i => start + i).ToArray();
            (await service.PostAsJsonAsync($"/api/v1/audiences/{audience}/members", new { add })).EnsureSuccessStatusCode();
        }
        return audience;
    }

    /// <summary>The template body's rule terms: the audience (if any) and one claim per day, week and month in Shanghai.</summary>
    public static void AddTo(IDictionary<string, object?> body, string? audience)
    {
        if (audience is not null) body["audienceId"] = long.Parse(audience, CultureInfo.InvariantCulture);
        if (!On.Contains("periods")) return;
        body["timeZone"] = "Asia/Shanghai";
        body["perUserDailyLimit"] = 1;
        body["perUserWeeklyLimit"] = 1;
        body["perUserMonthlyLimit"] = 1;
    }

    /// <summary>Puts the template in the campaign (it then draws on the campaign's budget).</summary>
    public static async Task JoinAsync(HttpClient merchant, string template, string campaign) =>
        (await merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget",
            new { campaignId = long.Parse(campaign, CultureInfo.InvariantCulture) })).EnsureSuccessStatusCode();

    public static async Task<string> IdOfAsync(HttpResponseMessage created)
    {
        if (!created.IsSuccessStatusCode)
        {
            var problem = await created.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"{created.RequestMessage?.RequestUri}: {(int)created.StatusCode} {problem}");
        }
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
