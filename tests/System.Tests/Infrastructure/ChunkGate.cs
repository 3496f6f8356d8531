using System.Collections.Concurrent;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// Lets a test hold a template's distribution between chunks: while held, a shard worker that has committed a chunk of
/// the template waits before its next one (outside any transaction, so pause, resume and cancel go through at once).
/// A task can then not finish before the test has done what it needs while it runs: no race with the workers' speed.
/// It wraps the engine's <see cref="ICouponDistribution"/>; nothing is held unless a test asks.
/// </summary>
public sealed class ChunkGate
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _held = new();
    private readonly ConcurrentDictionary<long, int> _waiting = new();

    /// <summary>Adds the gate to an app before it starts; the app's services then hold it (resolve <see cref="ChunkGate"/>).</summary>
    public static TApp Install<TApp>(TApp app) where TApp : EngineApp
    {
        app.With(builder => builder.ConfigureTestServices(services =>
        {
            var gate = new ChunkGate();
            var engine = services.Last(d => d.ServiceType == typeof(ICouponDistribution));
            services.Remove(engine);
            services.AddSingleton(gate);
            services.AddSingleton<ICouponDistribution>(sp => new Gated(
                engine.ImplementationInstance as ICouponDistribution
                ?? (ICouponDistribution)(engine.ImplementationFactory?.Invoke(sp)
                    ?? ActivatorUtilities.CreateInstance(sp, engine.ImplementationType!)),
                gate));
        }));
        return app;
    }

    /// <summary>From now on, workers stop after each committed chunk of the template until <see cref="Release"/>.</summary>
    public void Hold(string templateId)
        => _held.TryAdd(long.Parse(templateId), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release(string templateId)
    {
        if (_held.TryRemove(long.Parse(templateId), out var held)) held.TrySetResult();
    }

    /// <summary>Workers waiting at the gate for the template now.</summary>
    public int Waiting(string templateId) => _waiting.GetValueOrDefault(long.Parse(templateId));

    private async Task PassAsync(long template, CancellationToken ct)
    {
        if (!_held.TryGetValue(template, out var held)) return;
        _waiting.AddOrUpdate(template, 1, (_, n) => n + 1);
        try
        {
            await held.Task.WaitAsync(ct);
        }
        finally
        {
            _waiting.AddOrUpdate(template, 0, (_, n) => n - 1);
        }
    }

    private sealed class Gated(ICouponDistribution engine, ChunkGate gate) : ICouponDistribution
    {
        public async Task<IIssuedCoupons> IssueAsync(DistributionRequest request, WriteScope scope, CancellationToken ct) =>
            new GatedIssue(await engine.IssueAsync(request, scope, ct), request.Template.Value, gate);
    }

    /// <summary>The worker calls CommittedAsync after its chunk committed and before it starts the next: the gate is there.</summary>
    private sealed class GatedIssue(IIssuedCoupons issued, long template, ChunkGate gate) : IIssuedCoupons
    {
        public IReadOnlyList<RecipientDecision> Decisions => issued.Decisions;

        public async Task CommittedAsync(CancellationToken ct)
        {
            await issued.CommittedAsync(ct);
            await gate.PassAsync(template, ct);
        }
    }
}
