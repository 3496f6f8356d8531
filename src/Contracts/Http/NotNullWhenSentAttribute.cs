namespace PromotionEngine.Contracts.Http;

/// <summary>
/// On an optional member of a request record: it may be left out, but sent it is never null (the endpoint refuses null). The
/// OpenAPI document describes the member so; without it an optional member may also be sent as null.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotNullWhenSentAttribute : Attribute;
