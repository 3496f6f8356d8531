using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging.Nats;

/// <summary>
/// The connection to NATS JetStream and the naming of what lives there: one stream per producing module
/// (&lt;StreamPrefix&gt;_&lt;PRODUCER&gt;, subjects &lt;SubjectPrefix&gt;promo.&lt;producer&gt;.&gt;, file storage,
/// de-duplication by event id within the duplicate window), created on first use.
/// </summary>
internal sealed class NatsJetStream : IAsyncDisposable
{
    private readonly NatsConnection _connection;
    private readonly NatsTransportOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _streams = new();

    public NatsJetStream(IOptions<MessagingOptions> options)
    {
        _options = options.Value.Nats;
        // Started without waiting for the server: publishing fails (and the outbox retries) until it answers.
        // A publish while disconnected fails after the command timeout instead of waiting for the reconnect.
        _connection = new NatsConnection(new NatsOpts
        {
            Url = _options.Url,
            Name = "promotion-engine",
            RetryOnInitialConnect = true,
            PublishTimeoutOnDisconnected = true,
            CommandTimeout = _options.PublishTimeout,
        });
        Context = new NatsJSContext(_connection);
    }

    public NatsJSContext Context { get; }

    public bool Connected => _connection.ConnectionState == NatsConnectionState.Open;

    public NatsConnectionState State => _connection.ConnectionState;

    /// <summary>A round trip to the server (readiness).</summary>
    public ValueTask<TimeSpan> PingAsync(CancellationToken ct) => _connection.PingAsync(ct);

    /// <summary>Opens the connection now (it otherwise opens on first use).</summary>
    public ValueTask ConnectAsync() => _connection.ConnectAsync();

    public string WireSubject(string subject) => _options.SubjectPrefix + subject;

    public string StreamOf(string producer) => $"{_options.StreamPrefix}_{producer.Replace('-', '_').ToUpperInvariant()}";

    public string SubjectsOf(string producer) => $"{_options.SubjectPrefix}{EventSubjects.Root}.{producer}.>";

    /// <summary>Creates (or updates) the producer's stream once per process; a failure is forgotten, so the next call tries again.</summary>
    public Task EnsureStreamAsync(string producer, CancellationToken ct) =>
        _streams.GetOrAdd(producer, p => new Lazy<Task>(() => CreateStreamAsync(p))).Value.WaitAsync(ct);

    private async Task CreateStreamAsync(string producer)
    {
        try
        {
            await Context.CreateOrUpdateStreamAsync(new StreamConfig(StreamOf(producer), [SubjectsOf(producer)])
            {
                Storage = StreamConfigStorage.File,
                DuplicateWindow = _options.DuplicateWindow,
                MaxAge = _options.MaxAge,
                NumReplicas = _options.Replicas,
                Retention = StreamConfigRetention.Limits,
            });
        }
        catch
        {
            // Failed or timed out (a cancelled task, not a faulted one: checking IsFaulted kept it, and every later call
            // waited on it for good). Only this attempt's entry is in the map while it runs, so this removes that one.
            _streams.TryRemove(producer, out _);
            throw;
        }
    }

    public TimeSpan AckWait => _options.AckWait;

    public TimeSpan PublishTimeout => _options.PublishTimeout;

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
