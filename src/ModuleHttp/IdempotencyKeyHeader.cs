using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.ModuleHttp;

/// <summary>The Idempotency-Key request header, where an endpoint reads it itself (the Host's keyed requests check it everywhere else).</summary>
internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    public static readonly string Rule = $"1 to {IdempotencyKey.MaxLength} printable ASCII characters.";

    /// <summary>
    /// An optional header: absent is fine (<paramref name="key"/> null); sent, it must be well formed, else false with
    /// the 400 to answer in <paramref name="invalid"/>.
    /// </summary>
    public static bool TryReadOptional(string? header, out IdempotencyKey? key, [NotNullWhen(false)] out ProblemHttpResult? invalid)
    {
        key = header is not null && IdempotencyKey.IsValid(header) ? new IdempotencyKey(header) : null;
        invalid = header is not null && key is null ? ProblemResults.Invalid(new FieldErrors().Add(Name, Rule)) : null;
        return invalid is null;
    }
}
