using System.Globalization;
using System.Text.Json;
using Lucene.Net.Documents;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Index;

/// <summary>
/// How a template is laid out in the index. Filters are exact terms (merchant, scope, type, each product, category and
/// the shop; "open" while neither terminated nor ended); the claim window and the recency order are numeric doc
/// values, read per candidate document without enumerating terms; the template itself is stored whole (JSON) and
/// read back only for the hits of a page.
/// </summary>
internal static class TemplateDocuments
{
    public const string Id = "id";
    public const string Name = "name";
    public const string Description = "description";
    public const string Merchant = "merchant";
    public const string Scope = "scope";
    public const string Type = "type";
    public const string Product = "product";
    public const string Category = "category";
    public const string Shop = "shop";
    public const string Open = "open";
    public const string OpenValue = "1";
    public const string ValidFrom = "valid_from";
    public const string ValidUntil = "valid_until";
    public const string Recency = "recency";
    private const string Stored = "template";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static Document ToDocument(IndexedTemplate t)
    {
        var doc = new Document
        {
            new StringField(Id, Key(t.Id), Field.Store.NO),
            new TextField(Name, t.Name, Field.Store.NO),
            new TextField(Description, t.Description, Field.Store.NO),
            new StringField(Merchant, Key(t.MerchantId), Field.Store.NO),
            new StringField(Scope, t.Scope, Field.Store.NO),
            new StringField(Type, t.Type, Field.Store.NO),
            new NumericDocValuesField(ValidFrom, t.ValidFrom.ToUnixTimeMilliseconds()),
            new NumericDocValuesField(ValidUntil, t.ValidUntil.ToUnixTimeMilliseconds()),
            new NumericDocValuesField(Recency, t.Id),
            new StoredField(Stored, JsonSerializer.SerializeToUtf8Bytes(t, Json)),
        };
        if (t.Open) doc.Add(new StringField(Open, OpenValue, Field.Store.NO));
        if (t.ShopId is { } shop) doc.Add(new StringField(Shop, Key(shop), Field.Store.NO));
        foreach (var product in t.ProductIds) doc.Add(new StringField(Product, Key(product), Field.Store.NO));
        foreach (var category in t.CategoryIds) doc.Add(new StringField(Category, Key(category), Field.Store.NO));
        return doc;
    }

    public static IndexedTemplate Read(Document doc)
    {
        var bytes = doc.GetBinaryValue(Stored) ?? throw new InvalidOperationException("An indexed template without its stored state.");
        return JsonSerializer.Deserialize<IndexedTemplate>(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length), Json)
               ?? throw new InvalidOperationException("An indexed template whose stored state is empty.");
    }
}
