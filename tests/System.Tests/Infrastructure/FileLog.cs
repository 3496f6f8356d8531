using Microsoft.Extensions.Logging;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// PROMO_TEST_LOG=&lt;file&gt;: every in-process app appends its warnings and errors there, each line with the app's name and
/// the exception, so a test that failed under load can be read after the fact. Unset: nothing is written.
/// </summary>
public sealed class FileLog(string path, string app) : ILoggerProvider
{
    private static readonly Lock Writing = new();

    public static string? Path => Environment.GetEnvironmentVariable("PROMO_TEST_LOG") is { Length: > 0 } p ? p : null;

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName);

    public void Dispose() { }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {app} {level} {category}: {message}" + (exception is null ? "" : "\n" + exception);
        lock (Writing) File.AppendAllText(path, line + "\n");
    }

    private sealed class Writer(FileLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Write(category, logLevel, formatter(state, exception), exception);
        }
    }
}
