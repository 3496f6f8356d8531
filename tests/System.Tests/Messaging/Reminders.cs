using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>预约提醒: a reminder is published once at its time, never when cancelled, and not when claims are already open.</summary>
public abstract class Reminders(BackboneApp fixture)
{
    private readonly EngineApp _app = fixture.App;
    private readonly HttpClient _merchant = fixture.App.AsMerchant(EngineApp.NewId());
    private readonly long _userId = EngineApp.NewId();
    private HttpClient User => _app.AsUser(_userId);

    private async Task<string> TemplateOpeningInAsync(TimeSpan startsIn) =>
        (await _merchant.CreateTemplateAsync(Api.ATemplate(_app.Clock.GetUtcNow(), startsIn: startsIn))).Id();

    private Task<HttpResponseMessage> RemindAsync(string template, int? minutesBefore) =>
        User.PostAsJsonAsync("/api/v1/me/reminders", new { templateId = template, minutesBefore });

    /// <summary>The reminder's due events as they stand.</summary>
    private Task<IReadOnlyList<EventRecorder.Effect>> DueEventsAsync(string reminder) => Reminded.DueEventsAsync(fixture.Database, reminder);

    /// <summary>The reminder's due events once there is one (the clock moves on a second between looks: its timer is on the app's clock).</summary>
    private Task<IReadOnlyList<EventRecorder.Effect>> PublishedAsync(string reminder) => Reminded.PublishedAsync(_app, fixture.Database, reminder);

    [Fact]
    public async Task A_reminder_is_published_once_at_its_time_and_then_shows_as_sent()
    {
        var template = await TemplateOpeningInAsync(TimeSpan.FromHours(2));
        var created = await RemindAsync(template, 30);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reminder = await created.JsonAsync();
        Assert.Equal("SCHEDULED", reminder.Str("status"));
        Assert.Equal(reminder.GetProperty("claimOpensAt").GetDateTimeOffset().AddMinutes(-30), reminder.GetProperty("remindAt").GetDateTimeOffset());

        _app.Clock.Advance(TimeSpan.FromMinutes(90));
        var due = await PublishedAsync(reminder.Id());

        var published = Assert.Single(due).Envelope.PayloadAs<CouponReminderDue>();
        Assert.Equal((_userId, long.Parse(template), 30), (published.UserId, published.TemplateId, published.MinutesBefore));
        var read = await (await User.GetAsync($"/api/v1/me/reminders/{reminder.Id()}")).JsonAsync();
        Assert.Equal("SENT", read.Str("status"));
        await (await User.DeleteAsync($"/api/v1/me/reminders/{reminder.Id()}")).AssertProblemAsync(HttpStatusCode.Conflict, "REMINDER_ALREADY_SENT");
    }

    [Fact]
    public async Task A_cancelled_reminder_withdraws_its_timer_and_is_never_published()
    {
        var template = await TemplateOpeningInAsync(TimeSpan.FromHours(1));
        var reminder = await (await RemindAsync(template, 10)).JsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await User.DeleteAsync($"/api/v1/me/reminders/{reminder.Id()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await User.DeleteAsync($"/api/v1/me/reminders/{reminder.Id()}")).StatusCode); // once is enough

        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_outbox WHERE schedule_key = @Key",
            new { Key = $"engine.reminder:{reminder.Id()}" }));
        var read = await (await User.GetAsync($"/api/v1/me/reminders/{reminder.Id()}")).JsonAsync();
        Assert.Equal(("CANCELLED", "USER"), (read.Str("status"), read.Str("cancelReason")));
    }

    [Fact]
    public async Task Setting_the_same_reminder_again_answers_the_first_and_another_time_is_refused()
    {
        var template = await TemplateOpeningInAsync(TimeSpan.FromHours(3));
        var first = await (await RemindAsync(template, 15)).JsonAsync();

        var again = await RemindAsync(template, 15);
        var other = await RemindAsync(template, 20);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Id(), (await again.JsonAsync()).Id());
        var refused = await other.AssertProblemAsync(HttpStatusCode.Conflict, "REMINDER_EXISTS");
        Assert.Equal(first.Id(), refused.Str("reminderId"));
        var list = await (await User.GetAsync("/api/v1/me/reminders?status=SCHEDULED")).JsonAsync();
        Assert.Single(list.GetProperty("items").EnumerateArray(), r => r.Str("templateId") == template);
    }

    [Fact]
    public async Task A_reminder_is_refused_when_it_could_not_come_in_time()
    {
        var open = await TemplateOpeningInAsync(TimeSpan.Zero);
        var soon = await TemplateOpeningInAsync(TimeSpan.FromMinutes(10));

        await (await RemindAsync(open, 5)).AssertProblemAsync(HttpStatusCode.Conflict, "CLAIMS_ALREADY_OPEN");
        var late = await (await RemindAsync(soon, 30)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "REMINDER_TOO_LATE");
        Assert.Equal(9, late.GetProperty("latestMinutesBefore").GetInt32());
        await (await RemindAsync("999999999", 5)).AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        await (await RemindAsync(soon, 0)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task A_reminder_for_a_template_terminated_meanwhile_is_withdrawn_not_sent()
    {
        var template = await TemplateOpeningInAsync(TimeSpan.FromHours(1));
        var reminder = await (await RemindAsync(template, 5)).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await _merchant.PostAsync($"/api/v1/merchant/templates/{template}/terminate", null)).StatusCode);

        _app.Clock.Advance(TimeSpan.FromMinutes(55));
        var status = await Eventually(async () => (await (await User.GetAsync($"/api/v1/me/reminders/{reminder.Id()}")).JsonAsync()).Str("status"),
            s => s != "SCHEDULED", Seconds(30), $"reminder {reminder.Id()} to leave SCHEDULED",
            between: () => _app.Clock.Advance(TimeSpan.FromSeconds(1)));

        Assert.Equal("CANCELLED", status);
        Assert.Empty(await DueEventsAsync(reminder.Id())); // one look: a cancelled reminder has no timer left to publish it
    }

    [Fact]
    public async Task Another_users_reminder_is_not_found()
    {
        var template = await TemplateOpeningInAsync(TimeSpan.FromHours(1));
        var reminder = await (await RemindAsync(template, 5)).JsonAsync();
        var stranger = _app.AsUser(EngineApp.NewId());

        await (await stranger.GetAsync($"/api/v1/me/reminders/{reminder.Id()}")).AssertProblemAsync(HttpStatusCode.NotFound, "REMINDER_NOT_FOUND");
        await (await stranger.DeleteAsync($"/api/v1/me/reminders/{reminder.Id()}")).AssertProblemAsync(HttpStatusCode.NotFound, "REMINDER_NOT_FOUND");
    }
}

public sealed class RemindersOnSqlite(SqliteBackbone app) : Reminders(app), IClassFixture<SqliteBackbone>;

public sealed class RemindersOnMariaDb(MariaDbBackbone app) : Reminders(app), IClassFixture<MariaDbBackbone>;

public sealed class RemindersOnNats(NatsBackbone app) : Reminders(app), IClassFixture<NatsBackbone>;

/// <summary>A reminder's timer is in the database, so a restart between setting it and its time loses nothing and sends nothing twice.</summary>
public sealed class RemindersAcrossRestarts
{
    [Fact]
    public async Task A_reminder_set_before_a_restart_is_published_once_after_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-reminder-restart-" + Guid.NewGuid().ToString("N"));
        var userId = EngineApp.NewId();
        string reminder;
        await using (var first = new SqliteApp(directory))
        {
            EventRecorder.AddTo(first);
            await first.InitializeAsync();
            await EventRecorder.CreateTableAsync(Database(first));
            var template = (await first.AsMerchant(EngineApp.NewId())
                .CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), startsIn: TimeSpan.FromHours(1)))).Id();
            reminder = (await (await first.AsUser(userId).PostAsJsonAsync("/api/v1/me/reminders", new { templateId = template, minutesBefore = 10 }))
                .JsonAsync()).Id();
        }

        await using var second = new SqliteApp(directory);
        EventRecorder.AddTo(second);
        await second.InitializeAsync();
        second.Clock.Advance(TimeSpan.FromMinutes(50));
        var due = await Reminded.PublishedAsync(second, Database(second), reminder);

        Assert.Single(due);
        Assert.Equal("SENT", (await (await second.AsUser(userId).GetAsync($"/api/v1/me/reminders/{reminder}")).JsonAsync()).Str("status"));
        await ((IAsyncLifetime)second).DisposeAsync();
    }

    private static IDatabase Database(EngineApp app) => app.Services.GetRequiredService<IDatabase>();
}

/// <summary>Reading a reminder's published due events from the recorder.</summary>
internal static class Reminded
{
    public static async Task<IReadOnlyList<EventRecorder.Effect>> DueEventsAsync(IDatabase db, string reminder) =>
        (await EventRecorder.EffectsAsync(db)).Where(e => e.Envelope.Type == "coupon-reminder-due" && e.Envelope.AggregateId == reminder).ToList();

    public static Task<IReadOnlyList<EventRecorder.Effect>> PublishedAsync(EngineApp app, IDatabase db, string reminder) =>
        Eventually(() => DueEventsAsync(db, reminder), due => due.Count > 0, Seconds(30), $"reminder {reminder} to be published",
            between: () => app.Clock.Advance(TimeSpan.FromSeconds(1)));
}
