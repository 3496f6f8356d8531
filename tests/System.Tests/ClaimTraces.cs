using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;

namespace PromotionEngine.System.Tests;

/// <summary>
/// One claim on the Redis path is one trace (docs/operations.md, "Traces"): the request's server span, the Redis call, the
/// group commit with its MariaDB commands, the relay's publish and the consumer, all under one trace id, each parented where
/// it happened. The spans are the app's own, taken by the in-memory exporter.
/// </summary>
public sealed class ClaimTraces
{
    [Theory]
    [InlineData("InProcess")]
    [InlineData("Nats")]
    public async Task One_claim_is_one_trace_from_the_request_through_redis_and_the_commit_to_the_relay_and_the_consumer(string transport)
    {
        var spans = new Spans();
        var app = new RedisApp();
        if (transport == "Nats") NatsBackbone.NatsOn(app, NatsServer.Url);
        app.WithSetting("Telemetry:Tracing", "true")
            .WithSetting("Messaging:PollInterval", "00:00:00.050")
            .With(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        EventRecorder.AddTo(app);
        try
        {
            if (transport == "Nats") await NatsServer.RequireAsync(NatsServer.Url);
            await app.InitializeAsync();
            await EventRecorder.CreateTableAsync(app.Services.GetRequiredService<IDatabase>());
            var template = (await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

            var (caller, claim) = await TracedClaimAsync(app, template);
            Assert.Equal(HttpStatusCode.Created, claim.StatusCode);

            // A span is exported when it ends, after its children: wait until every span's parent is there too (the other
            // consumers of the claimed event, e.g. clearing's journal, may still be running when the first spans arrive).
            var trace = await Eventually(() => Task.FromResult(spans.Where(s => s.TraceId == caller.TraceId).ToList()),
                inTrace => inTrace.Any(IsRedis) && inTrace.Any(IsConsumer) && inTrace.Any(IsPublish) && Whole(inTrace), Seconds(60),
                "the claim's Redis, publish and consumer spans in its trace, each span's parent exported");

            var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
            Assert.Equal(caller.SpanId, server.ParentSpanId); // the request continues its caller's trace
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            Assert.All(trace.Where(s => s != server), s => Assert.Contains(s.ParentSpanId, ids)); // no span hangs from one outside the trace

            var redis = trace.First(IsRedis);
            Assert.Equal(server.SpanId, redis.ParentSpanId); // decided in the request
            var commit = Assert.Single(trace, s => s.DisplayName == "claims group commit");
            Assert.Equal(server.SpanId, commit.ParentSpanId);
            Assert.Contains(trace, s => s.Source.Name == "MySqlConnector" && s.ParentSpanId == commit.SpanId); // the batch's own commands

            // The claimed event carries the request's context: the relay's publish and the consumer continue it.
            var publish = Assert.Single(trace, IsPublish);
            Assert.Equal(ActivityKind.Producer, publish.Kind);
            Assert.Equal(server.SpanId, publish.ParentSpanId);
            var consumer = Assert.Single(trace, IsConsumer);
            Assert.Equal(server.SpanId, consumer.ParentSpanId);
            Assert.True(consumer.StartTimeUtc >= publish.StartTimeUtc, "The consumer handled the event before the relay published it.");
            if (transport == "Nats") Assert.Contains(trace, s => s.Source.Name == "NATS.Net" && s.ParentSpanId == publish.SpanId);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    /// <summary>Every span but the request's own hangs from a span of the trace that has been exported.</summary>
    private static bool Whole(List<Activity> trace)
    {
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        return trace.Where(s => s.Kind != ActivityKind.Server).All(s => ids.Contains(s.ParentSpanId));
    }

    [Fact]
    public async Task On_sqlite_a_claim_s_group_commit_its_write_transaction_and_its_consumer_are_spans_of_the_claim_s_trace()
    {
        var spans = new Spans();
        var app = new SqliteApp();
        app.WithSetting("Telemetry:Tracing", "true")
            .WithSetting("Messaging:PollInterval", "00:00:00.050")
            .With(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        EventRecorder.AddTo(app);
        try
        {
            await app.InitializeAsync();
            await EventRecorder.CreateTableAsync(app.Services.GetRequiredService<IDatabase>());
            var template = (await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

            var (caller, claim) = await TracedClaimAsync(app, template);
            Assert.Equal(HttpStatusCode.Created, claim.StatusCode);

            var trace = await Eventually(() => Task.FromResult(spans.Where(s => s.TraceId == caller.TraceId).ToList()),
                inTrace => inTrace.Any(IsConsumer) && inTrace.Any(IsPublish), Seconds(60), "the claim's publish and consumer spans");
            var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
            Assert.Equal(caller.SpanId, server.ParentSpanId);

            // The embedded default group-commits claims too: its batch continues the first claim's trace (this one, alone).
            var commit = Assert.Single(trace, s => s.DisplayName == "claims group commit");
            Assert.Equal(server.SpanId, commit.ParentSpanId);
            var write = Assert.Single(trace, s => s.DisplayName == "sqlite write transaction");
            Assert.Equal("sqlite", write.GetTagItem("db.system.name"));
            Assert.Equal(commit.SpanId, write.ParentSpanId);
            Assert.Equal(server.SpanId, Assert.Single(trace, IsPublish).ParentSpanId);
            Assert.Equal(server.SpanId, Assert.Single(trace, IsConsumer).ParentSpanId);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    /// <summary>
    /// A claim sent in a trace of the test's own (a W3C traceparent header, as a calling service sends one): activity
    /// listeners are process-wide, so the exporter also sees the spans of other tests' apps; the trace id tells this claim's.
    /// </summary>
    private static async Task<(ActivityContext Caller, HttpResponseMessage Response)> TracedClaimAsync(EngineApp app, string template)
    {
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId = template }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("traceparent", $"00-{caller.TraceId}-{caller.SpanId}-01");
        return (caller, await app.AsUser(EngineApp.NewId()).SendAsync(request));
    }

    private static bool IsRedis(Activity span) => span.Source.Name.Contains("StackExchangeRedis", StringComparison.Ordinal);

    private static bool IsPublish(Activity span) =>
        span.Source.Name == "PromotionEngine.Messaging" && span.DisplayName == "publish promo.engine.coupon-claimed.v1";

    private static bool IsConsumer(Activity span) =>
        span.Source.Name == "PromotionEngine.Messaging" && span.Kind == ActivityKind.Consumer
        && span.DisplayName == $"{EventRecorder.Consumer} coupon-claimed";

    /// <summary>The exporter's collection, read while the app's threads add to it.</summary>
    internal sealed class Spans : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];

        public int Count
        {
            get
            {
                lock (_items) return _items.Count;
            }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (_items) _items.Add(item);
        }

        public void Clear()
        {
            lock (_items) _items.Clear();
        }

        public bool Contains(Activity item)
        {
            lock (_items) return _items.Contains(item);
        }

        /// <summary>
        /// The spans so far, copied under one lock: a List made from the collection reads Count and copies apart, and a span
        /// exported between the two overflowed its array.
        /// </summary>
        public List<Activity> Snapshot()
        {
            lock (_items) return [.. _items];
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_items) _items.CopyTo(array, arrayIndex);
        }

        public bool Remove(Activity item)
        {
            lock (_items) return _items.Remove(item);
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (_items) return _items.ToList().GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
