using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>
/// An app with the test's recording consumer, quick retries (three attempts) and the sweep out of the way, so only
/// timers settle coupons.
/// </summary>
public abstract class BackboneApp : IAsyncLifetime
{
    protected BackboneApp(EngineApp app)
    {
        App = app.WithSetting("Messaging:MaxDeliver", "3")
            .WithSetting("Messaging:RetryDelay", "00:00:00.050")
            .WithSetting("Messaging:MaxRetryDelay", "00:00:00.200")
            .WithSetting("Messaging:PollInterval", "00:00:00.050")
            .WithSetting("Engine:SweepInterval", "01:00:00");
        Recorder = EventRecorder.AddTo(App);
    }

    public EngineApp App { get; }

    public EventRecorder Recorder { get; }

    public IDatabase Database => App.Services.GetRequiredService<IDatabase>();

    /// <summary>
    /// Whether consumers record what they handled in msg_inbox (on a broker); the in-process transport handles a delivery in the
    /// transaction that deletes it and keeps no inbox.
    /// </summary>
    public virtual bool KeepsInbox => false;

    public virtual async Task InitializeAsync()
    {
        await App.InitializeAsync();
        await EventRecorder.CreateTableAsync(Database);
    }

    public Task DisposeAsync() => ((IAsyncLifetime)App).DisposeAsync();
}

public sealed class SqliteBackbone() : BackboneApp(new SqliteApp());

public sealed class MariaDbBackbone() : BackboneApp(new MariaDbApp());

/// <summary>MariaDB with NATS JetStream (the shared server the test command starts), under subjects and streams of its own.</summary>
public sealed class NatsBackbone() : BackboneApp(NatsOn(new MariaDbApp(), NatsServer.Url))
{
    public static EngineApp NatsOn(EngineApp app, string url)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        return app.WithSetting("Messaging:Transport", "Nats")
            .WithSetting("Messaging:Nats:Url", url)
            .WithSetting("Messaging:Nats:SubjectPrefix", $"t{tag}.")
            .WithSetting("Messaging:Nats:StreamPrefix", $"T{tag}");
    }

    public override bool KeepsInbox => true;

    public override async Task InitializeAsync()
    {
        await NatsServer.RequireAsync(NatsServer.Url);
        await base.InitializeAsync();
    }
}
