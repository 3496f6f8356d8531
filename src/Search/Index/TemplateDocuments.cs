using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Index;

/// <summary>
/// How a template is laid out in the index. The words are one field: the name twice, then the description, so a
/// query term is one posting list to walk (not a name-or-description disjunction per word) and a word in the name
/// weighs about double. Filters are exact terms (merchant, scope, type, each product, category and
/// the shop; "open" while neither terminated nor ended); the claim window and the recency order are numbers (one
/// full-precision term each) that the field cache holds as arrays per segment (<see cref="NumberArrays"/>), read per
/// candidate document: Lucene.Net's doc values are read through the directory's input, several times slower per read.
/// The template itself is stored whole (JSON) and read back only for the hits of a page.
/// </summary>
internal static class TemplateDocuments
{
    public const string Id = "id";
    public const string Text = "text";
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
    public const string Audience = "audience";
    public const string AudienceRequired = "audience_required";
    private const string Stored = "template";

    /// <summary>One term per value: the numbers are sorted and filtered on through the field cache, never range-queried.</summary>
    private static readonly FieldType Number = Frozen(new FieldType(Int64Field.TYPE_NOT_STORED) { NumericPrecisionStep = 64 });

    private static FieldType Frozen(FieldType type)
    {
        type.Freeze();
        return type;
    }


    public static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static Document ToDocument(IndexedTemplate t)
    {
        var doc = new Document
        {
            new StringField(Id, Key(t.Id), Field.Store.NO),
            new TextField(Text, $"{t.Name}\n{t.Name}\n{t.Description}", Field.Store.NO),
            new StringField(Merchant, Key(t.MerchantId), Field.Store.NO),
            new StringField(Scope, t.Scope, Field.Store.NO),
            new StringField(Type, t.Type, Field.Store.NO),
            new Int64Field(ValidFrom, t.ValidFrom.ToUnixTimeMilliseconds(), Number),
            new Int64Field(ValidUntil, t.ValidUntil.ToUnixTimeMilliseconds(), Number),
            new Int64Field(Recency, t.Id, Number),
            new StoredField(Stored, JsonSerializer.SerializeToUtf8Bytes(t, StoredTemplateJson.Default.IndexedTemplate)),
        };
        if (t.Open) doc.Add(new StringField(Open, OpenValue, Field.Store.NO));
        if (t.ShopId is { } shop) doc.Add(new StringField(Shop, Key(shop), Field.Store.NO));
        foreach (var product in t.ProductIds) doc.Add(new StringField(Product, Key(product), Field.Store.NO));
        foreach (var category in t.CategoryIds) doc.Add(new StringField(Category, Key(category), Field.Store.NO));
        if (t.AudienceId is { } audience)
        {
            doc.Add(new StringField(Audience, Key(audience), Field.Store.NO));
            doc.Add(new StringField(AudienceRequired, OpenValue, Field.Store.NO));
        }
        return doc;
    }

    public static IndexedTemplate Read(Document doc)
    {
        var bytes = doc.GetBinaryValue(Stored) ?? throw new InvalidOperationException("An indexed template without its stored state.");
        return JsonSerializer.Deserialize(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length), StoredTemplateJson.Default.IndexedTemplate)
               ?? throw new InvalidOperationException("An indexed template whose stored state is empty.");
    }
}

/// <summary>The stored template's JSON, generated at build time: a page reads up to 100 of them per query.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IndexedTemplate))]
internal sealed partial class StoredTemplateJson : JsonSerializerContext;

/// <summary>
/// The numeric fields as in-memory arrays per segment (Lucene's field cache, released with the segment). Filled when a
/// segment is merged (before it is searched) and when a searcher opens on new segments, so no query pays for it.
/// </summary>
internal static class NumberArrays
{
    public static FieldCache.Int64s Of(AtomicReader reader, string field) =>
        FieldCache.DEFAULT.GetInt64s(reader, field, FieldCache.NUMERIC_UTILS_INT64_PARSER, setDocsWithField: false);

    public static void Fill(AtomicReader reader)
    {
        Of(reader, TemplateDocuments.ValidFrom);
        Of(reader, TemplateDocuments.ValidUntil);
        Of(reader, TemplateDocuments.Recency);
    }

    public sealed class MergeWarmer : IndexWriter.IndexReaderWarmer
    {
        public override void Warm(AtomicReader reader) => Fill(reader);
    }

    public sealed class Searchers : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader)
        {
            foreach (var leaf in reader.Leaves) Fill(leaf.AtomicReader);
            return new IndexSearcher(reader);
        }
    }
}
