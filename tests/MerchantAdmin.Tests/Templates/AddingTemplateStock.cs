using Microsoft.Extensions.Time.Testing;
using PromotionEngine.MerchantAdmin.Templates;
using static PromotionEngine.MerchantAdmin.Tests.Templates.Refusals;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

public class AddingTemplateStock
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private static TimeSpan Days(int days) => TimeSpan.FromDays(days);

    [Fact]
    public void Stock_grows_by_the_quantity_added()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, stock: 100);
        _clock.Advance(Days(1));

        Assert.Null(template.AddStock(50, Now));

        Assert.Equal(150, template.Stock);
        Assert.Equal(Now, template.UpdatedAt);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(TemplateRules.MaxStock + 1)]
    public void A_quantity_is_1_to_a_billion(long quantity)
    {
        var template = ATemplate.EndingIn(Days(30), _clock, stock: 100);

        AssertRefused(template.AddStock(quantity, Now), 400, "VALIDATION_FAILED", "quantity");

        Assert.Equal(100, template.Stock);
    }

    [Fact]
    public void Stock_may_reach_a_billion_but_not_pass_it()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, stock: 100);

        AssertRefused(template.AddStock(TemplateRules.MaxStock - 99, Now), 422, "STOCK_LIMIT_EXCEEDED", "quantity");
        Assert.Equal(100, template.Stock);
        Assert.Null(template.AddStock(TemplateRules.MaxStock - 100, Now));
        Assert.Equal(TemplateRules.MaxStock, template.Stock);
    }

    [Fact]
    public void A_terminated_template_takes_no_more_stock()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, stock: 100).Terminated(_clock);

        AssertRefused(template.AddStock(50, Now), 409, "TEMPLATE_TERMINATED");

        Assert.Equal(100, template.Stock);
    }

    [Fact]
    public void An_ended_template_takes_no_more_stock()
    {
        var template = ATemplate.EndingIn(Days(30), _clock, stock: 100);
        _clock.Advance(Days(30));

        AssertRefused(template.AddStock(50, Now), 409, "TEMPLATE_ENDED");

        Assert.Equal(100, template.Stock);
    }
}
