namespace PromotionEngine.Kernel.Logging;

/// <summary>
/// The business ids a log line carries in its scope (docs/operations.md, "Logs"): every line written while a request,
/// a task or a consumer works on one of them names it, under these keys, so Loki can find a user's or an order's lines.
/// Ids only: never a token, a key or a secret.
/// </summary>
public static class LogScope
{
    public const string TemplateId = "templateId";
    public const string UserId = "userId";
    public const string OrderId = "orderId";
    public const string TaskId = "taskId";
    public const string MerchantId = "merchantId";

    /// <summary>The state of a scope naming these ids (an ILogger.BeginScope argument the JSON formatter writes as fields).</summary>
    public static LogScopeIds Of(params (string Key, object? Value)[] ids)
    {
        var state = new LogScopeIds();
        foreach (var (key, value) in ids) state[key] = value;
        return state;
    }
}

/// <summary>A scope's ids: fields to a structured formatter, "templateId:7, userId:9" to a text one.</summary>
public sealed class LogScopeIds() : Dictionary<string, object?>(StringComparer.Ordinal)
{
    public override string ToString() => string.Join(", ", this.Select(id => $"{id.Key}:{id.Value}"));
}

/// <summary>Endpoint metadata: the route's {id} is this business id (<see cref="LogScope"/> key) in the request's log scope.</summary>
public sealed record RouteIdInLogs(string Key);
