namespace PromotionEngine.Platform.Web;

/// <summary>The first answer to a keyed request; Status 0 while its change is committed but the answer is not recorded yet.</summary>
internal sealed record KeyedAnswer(string RequestHash, int Status, string? ContentType, string? Location, byte[]? Body, long CreatedAt)
{
    public bool Pending => Status == 0;
}
