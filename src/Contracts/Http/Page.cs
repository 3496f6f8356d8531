namespace PromotionEngine.Contracts.Http;

/// <summary>One page of a list; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next, null at the end.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
