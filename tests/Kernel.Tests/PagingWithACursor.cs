using System.Buffers.Text;
using System.Text;

namespace PromotionEngine.Kernel.Tests;

public class PagingWithACursor
{
    private static string Opaque(string text) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(text));

    [Theory]
    [InlineData(1L)]
    [InlineData(42L)]
    [InlineData(7_312_345_678_901_234_567L)]
    [InlineData(long.MaxValue)]
    public void A_cursor_brings_back_the_last_id_seen(long lastId)
    {
        Assert.True(Cursor.TryDecode(Cursor.Encode(lastId), out var decoded));

        Assert.Equal(lastId, decoded);
    }

    [Fact]
    public void A_cursor_is_url_safe()
    {
        var cursor = Cursor.Encode(long.MaxValue);

        Assert.DoesNotContain(cursor, c => c is '+' or '/' or '=' or '%' or '&' or '?');
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void No_cursor_means_the_first_page(string? cursor)
    {
        Assert.True(Cursor.TryDecode(cursor, out var decoded));

        Assert.Null(decoded);
    }

    public static TheoryData<string> Garbage() =>
    [
        "not a cursor!",
        "%%%%",
        "a",
        "abc",
        "djE6",                             // "v1:" and nothing after it
        Opaque("v2:42"),
        Opaque("42"),
        Opaque("v1:abc"),
        Opaque("v1:0"),
        Opaque("v1:-42"),
        Opaque("v1:+42"),
        Opaque("v1: 42"),
        Opaque("v1:42 "),
        Opaque("v1:4.2"),
        Opaque("v1:99999999999999999999"),
        Opaque("V1:42"),
        Opaque("v1:42") + "!",
    ];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_is_refused(string cursor)
    {
        Assert.False(Cursor.TryDecode(cursor, out var decoded));

        Assert.Null(decoded);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Only_positive_ids_make_a_cursor_that_is_read_back(long lastId) => Assert.False(Cursor.TryDecode(Cursor.Encode(lastId), out _));
}
