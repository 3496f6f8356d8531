using System.ComponentModel.DataAnnotations;
using PromotionEngine.Platform.Messaging;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>Messaging:ConsumerBatchSize is checked at start: 1 (a transaction per delivery) to 1000; 100 unless set.</summary>
public sealed class SizingConsumerBatches
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(100, true)]
    [InlineData(1000, true)]
    [InlineData(0, false)]
    [InlineData(1001, false)]
    public void A_batch_size_is_valid_from_one_to_a_thousand(int size, bool valid)
    {
        var options = new MessagingOptions { ConsumerBatchSize = size };

        var errors = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true));
        if (!valid) Assert.Contains(errors, e => e.MemberNames.Contains(nameof(MessagingOptions.ConsumerBatchSize)));
    }

    [Fact]
    public void Consumers_take_a_hundred_deliveries_a_transaction_by_default() => Assert.Equal(100, new MessagingOptions().ConsumerBatchSize);
}
