using System.Text.Json;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>PATCH bodies: four fields may change; fixed fields are named back, unknown ones refused.</summary>
public class ReadingAPatchBody
{
    private sealed record Read(TemplateChanges? Changes, IDictionary<string, string[]> Errors, IDictionary<string, string[]> Fixed);

    private static Read ReadBody(string json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new FieldErrors();
        var fixedFields = new FieldErrors();
        var changes = TemplateChanges.From(document.RootElement, errors, fixedFields);
        return new Read(changes, errors.ToDictionary(), fixedFields.ToDictionary());
    }

    private static string[] Sorted(IEnumerable<string> keys) => keys.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Reads_every_field_that_may_change()
    {
        var read = ReadBody("""{"name":"Summer sale","description":"More off","validUntil":"2026-06-01T00:00:00+08:00","perUserLimit":3}""");

        Assert.Empty(read.Errors);
        Assert.Empty(read.Fixed);
        Assert.Equal(new TemplateChanges("Summer sale", true, "More off", true, new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)), 3),
            read.Changes);
    }

    [Fact]
    public void Fields_left_out_are_left_alone()
    {
        var read = ReadBody("""{"perUserLimit":3}""");

        Assert.Equal(new TemplateChanges(null, false, null, false, null, 3), read.Changes);
    }

    [Fact]
    public void A_null_description_clears_it()
    {
        var read = ReadBody("""{"description":null}""");

        Assert.Equal(new TemplateChanges(null, false, null, true, null, null), read.Changes);
    }

    [Theory]
    [InlineData("currency", "\"USD\"")]
    [InlineData("scope", "\"SHOP\"")]
    [InlineData("shopId", "9")]
    [InlineData("productIds", "[1]")]
    [InlineData("categoryIds", "[1]")]
    [InlineData("type", "\"PERCENTAGE\"")]
    [InlineData("discountAmount", "100")]
    [InlineData("thresholdAmount", "100")]
    [InlineData("percentOff", "1500")]
    [InlineData("maxDiscountAmount", "100")]
    [InlineData("validFrom", "\"2026-01-01T00:00:00Z\"")]
    [InlineData("validityAfterClaim", "\"P7D\"")]
    [InlineData("stock", "1000")]
    [InlineData("id", "\"77\"")]
    [InlineData("merchantId", "\"3\"")]
    [InlineData("status", "\"TERMINATED\"")]
    [InlineData("issued", "5")]
    [InlineData("createdAt", "\"2026-01-01T00:00:00Z\"")]
    [InlineData("updatedAt", "\"2026-01-01T00:00:00Z\"")]
    public void A_field_fixed_at_creation_is_named_back_not_ignored(string field, string value)
    {
        var read = ReadBody($$"""{"name":"Summer sale","{{field}}":{{value}}}""");

        Assert.Null(read.Changes);
        Assert.Equal([field], read.Fixed.Keys);
        Assert.Empty(read.Errors);
    }

    [Fact]
    public void Every_fixed_field_is_named_at_once()
    {
        var read = ReadBody("""{"stock":5,"currency":"USD","validFrom":"2026-01-01T00:00:00Z"}""");

        Assert.Null(read.Changes);
        Assert.Equal(["currency", "stock", "validFrom"], Sorted(read.Fixed.Keys));
    }

    [Fact]
    public void An_unknown_field_is_refused()
    {
        var read = ReadBody("""{"name":"Summer sale","colour":"red"}""");

        Assert.Null(read.Changes);
        Assert.Equal(["colour"], read.Errors.Keys);
        Assert.Empty(read.Fixed);
    }

    [Fact]
    public void Field_names_are_matched_exactly()
    {
        var read = ReadBody("""{"Name":"Summer sale","STOCK":5}""");

        Assert.Null(read.Changes);
        Assert.Equal(["Name", "STOCK"], Sorted(read.Errors.Keys));
    }

    [Fact]
    public void Unknown_and_fixed_fields_are_reported_together()
    {
        var read = ReadBody("""{"colour":"red","stock":5}""");

        Assert.Null(read.Changes);
        Assert.Equal(["colour"], read.Errors.Keys);
        Assert.Equal(["stock"], read.Fixed.Keys);
    }

    [Fact]
    public void An_empty_body_asks_for_at_least_one_field()
    {
        var read = ReadBody("{}");

        Assert.Null(read.Changes);
        Assert.Equal(["$"], read.Errors.Keys);
        Assert.Empty(read.Fixed);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"name\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void A_body_that_is_not_an_object_is_refused(string json)
    {
        var read = ReadBody(json);

        Assert.Null(read.Changes);
        Assert.Equal(["$"], read.Errors.Keys);
    }

    [Theory]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"description":true}""", "description")]
    [InlineData("""{"validUntil":"next week"}""", "validUntil")]
    [InlineData("""{"validUntil":"2026-06-01T00:00:00"}""", "validUntil")] // no offset: refused, not read in the server's zone
    [InlineData("""{"validUntil":1767225600}""", "validUntil")]
    [InlineData("""{"perUserLimit":"3"}""", "perUserLimit")]
    [InlineData("""{"perUserLimit":2.5}""", "perUserLimit")]
    [InlineData("""{"perUserLimit":99999999999}""", "perUserLimit")]
    public void A_field_of_the_wrong_kind_is_refused_under_its_name(string json, string field)
    {
        var read = ReadBody(json);

        Assert.Null(read.Changes);
        Assert.Equal([field], read.Errors.Keys);
    }
}
