namespace PromotionEngine.Platform;

/// <summary>A setting or argument the Host cannot start with: reported as one line on stderr, exit code 2, no stack trace.</summary>
internal sealed class SettingsException(string message) : InvalidOperationException(message);
