using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Kernel.Tests;

public class CheckingFreeText
{
    [Theory]
    [InlineData("Spend 100 take 10")]
    [InlineData("满减券 · 新人专享 🎉")]
    [InlineData("שלום עולם")] // right-to-left letters are text; only the invisible controls are refused
    [InlineData("")]
    public void Ordinary_text_of_any_script_is_clean(string text) => Assert.True(FreeText.IsClean(text));

    [Theory]
    [InlineData("nul\u0000")]
    [InlineData("esc\u001b[31m")]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("cr\r\nlf")]
    [InlineData("del\u007f")]
    [InlineData("c1\u0085")]
    [InlineData("c1\u009f")]
    [InlineData("\u202Eexe.pdf")]
    [InlineData("\u202A")]
    [InlineData("\u2066isolate\u2069")]
    [InlineData("\u200Emark")]
    [InlineData("\u200F")]
    [InlineData("\u061C")]
    public void A_single_line_refuses_controls_and_bidi_controls(string text) => Assert.False(FreeText.IsClean(text));

    [Fact]
    public void Half_a_character_is_not_text() // built here: a theory's data would turn a lone surrogate into U+FFFD on its way
    {
        Assert.False(FreeText.IsClean("half" + (char)0xD83D));
        Assert.False(FreeText.IsClean((char)0xDE00 + "half"));
        Assert.False(FreeText.IsClean("x" + (char)0xD83D + "y", multiLine: true));
        Assert.True(FreeText.IsClean("smile " + (char)0xD83D + (char)0xDE00));
    }

    [Theory]
    [InlineData("one\ntwo", true)]
    [InlineData("one\r\ntwo\r\n", true)]
    [InlineData("\tindented", true)]
    [InlineData("lone\rreturn", false)]
    [InlineData("ends in\r", false)]
    [InlineData("form\ffeed", false)]
    [InlineData("vertical\vtab", false)]
    [InlineData("esc\u001b", false)]
    [InlineData("line\n\u202E", false)]
    public void A_description_keeps_line_breaks_and_tabs_only(string text, bool clean)
        => Assert.Equal(clean, FreeText.IsClean(text, multiLine: true));

    [Fact]
    public void The_field_at_fault_is_named_with_the_rule()
    {
        var errors = new FieldErrors().Text("name", "a\u0000").Text("description", "a\nb", multiLine: true).Text("sku", null);
        Assert.Equal(["name"], errors.ToDictionary().Keys);
        Assert.Equal(FreeText.SingleLineRule, errors.ToDictionary()["name"][0]);
    }
}
