using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Search.Index;

namespace PromotionEngine.Search.Indexing;

/// <summary>
/// Where the search role is served: builds the index from the event log when the instance starts (the index is not
/// kept across restarts: the log is the truth, and a build cannot be stale), then refreshes the searchers so applied
/// events become visible within <see cref="SearchOptions.RefreshInterval"/>.
/// </summary>
internal sealed partial class SearchIndexWorker(SearchIndex index, ReplayTemplateHistory replay, IOptions<SearchOptions> options,
    ILogger<SearchIndexWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!index.Ready && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await replay.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFirstBuildFailed(e, options.Value.RetryDelay);
                try { await Task.Delay(options.Value.RetryDelay, stoppingToken); } catch (OperationCanceledException) { return; }
            }
        }
        using var timer = new PeriodicTimer(options.Value.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) index.Refresh();
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index could not be built; trying again in {Delay}")]
    private partial void LogFirstBuildFailed(Exception error, TimeSpan delay);
}
