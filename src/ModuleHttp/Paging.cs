using PromotionEngine.Contracts.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.ModuleHttp;

/// <summary>
/// The <c>limit</c> and <c>cursor</c> query parameters of every list, and the page answered: a store is asked for one
/// item more than the page holds, and that extra item only says whether there is a next page.
/// </summary>
internal static class Paging
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>The cursor and limit parameters as the OpenAPI document describes them.</summary>
    public const string CursorRule = "Continue a list: the nextCursor of the previous page (opaque). Absent: the first page.";
    public const string LimitRule = "Items per page, 1 to 100; default 20.";

    public static FieldErrors WhenBadLimit(this FieldErrors errors, int? limit, int maxSize = MaxSize) =>
        errors.When(limit is < 1 || limit > maxSize, "limit", $"From 1 to {maxSize}.");

    /// <summary>The limit's and the cursor's faults; <paramref name="after"/> is the key the page starts after (null: the first page).</summary>
    public static FieldErrors WhenBadPage(this FieldErrors errors, int? limit, string? cursor, out long? after, int maxSize = MaxSize) =>
        errors.WhenBadLimit(limit, maxSize).When(!Cursor.TryDecode(cursor, out after), "cursor", "Not a cursor this API returned.");

    /// <summary>
    /// The first <paramref name="size"/> of <paramref name="fetched"/> (asked for size + 1), and the cursor after the
    /// last, if more follow.
    /// </summary>
    public static (List<T> Items, string? NextCursor) Take<T>(IReadOnlyList<T> fetched, int size, Func<T, long> key)
    {
        var items = fetched.Take(size).ToList();
        return (items, fetched.Count > size ? Cursor.Encode(key(items[^1])) : null);
    }

    public static Page<TResponse> PageOf<T, TResponse>(IReadOnlyList<T> fetched, int size, Func<T, long> key, Func<T, TResponse> map)
    {
        var (items, next) = Take(fetched, size, key);
        return new Page<TResponse>(items.Select(map).ToList(), next);
    }
}
