using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Tests.Pricing;

public class SplittingADiscount
{
    [Fact]
    public void Shares_follow_what_is_left_of_each_line()
    {
        var shares = Allocation.Split(100, [300, 100, 600], [0, 1, 2]);

        Assert.Equal([30, 10, 60], shares);
    }

    [Fact]
    public void Leftover_units_go_to_the_largest_remainders_then_to_the_lower_line()
    {
        // 100 over three equal lines: 33.33 each; the one unit left goes to line 0 (equal remainders, lower index).
        Assert.Equal([34, 33, 33], Allocation.Split(100, [50, 50, 50], [0, 1, 2]));
        // 10 over 10, 20, 40 (of 70): 1.43, 2.86, 5.71 -> 1, 2, 5 and the two units left to the remainders .86 and .71.
        Assert.Equal([1, 3, 6], Allocation.Split(10, [10, 20, 40], [0, 1, 2]));
    }

    [Fact]
    public void A_discount_as_large_as_the_lines_takes_each_line_whole() =>
        Assert.Equal([7, 0, 5], Allocation.Split(12, [7, 0, 5], [0, 1, 2]));

    [Fact]
    public void Only_the_listed_lines_share_the_discount() =>
        Assert.Equal([50, 50], Allocation.Split(100, [1000, 500, 9999, 500], [1, 3]));

    [Property(MaxTest = 500)]
    public Property Shares_add_up_exactly_and_no_line_goes_below_zero() =>
        Prop.ForAll(
            (from amounts in Gen.Choose(0, 100_000).Select(a => (long)a).ArrayOf()
             where amounts.Length > 0
             from fraction in Gen.Choose(0, 1000)
             select (amounts, discount: amounts.Sum() * fraction / 1000)).ToArbitrary(),
            c =>
            {
                var lines = Enumerable.Range(0, c.amounts.Length).ToArray();
                var shares = Allocation.Split(c.discount, c.amounts, lines);
                return shares.Sum() == c.discount && shares.Zip(c.amounts).All(p => p.First >= 0 && p.First <= p.Second)
                    // Largest remainder: no share is more than one unit off its exact proportion.
                    && shares.Zip(c.amounts).All(p => c.amounts.Sum() == 0 ||
                        Math.Abs((decimal)p.First - (decimal)c.discount * p.Second / c.amounts.Sum()) < 1);
            });
}
