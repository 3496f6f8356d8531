using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Kernel.Tests;

public class TrustingServices
{
    private readonly ServiceTrust _trust = new(["service:order-service", " service:checkout ", ""], orderEventsService: null);

    [Fact]
    public void A_service_acts_on_its_own_and_a_trusted_one_on_the_groups()
    {
        Assert.True(_trust.MayActFor("service:evil", "service:evil"));
        Assert.True(_trust.MayActFor("service:checkout", "service:order-service"));
        Assert.True(_trust.MayActFor("service:order-service", "service:checkout"));
        Assert.False(_trust.MayActFor("service:evil", "service:order-service"));
        Assert.False(_trust.MayActFor("service:order-service", "service:evil")); // trust is not a master key over outsiders
        Assert.False(_trust.MayActFor("service:Order-Service", "service:order-service"));
    }

    [Fact]
    public void A_record_from_before_owners_were_kept_answers_to_anyone() => Assert.True(_trust.MayActFor("service:evil", null));

    [Fact]
    public void The_saga_acts_as_the_order_service_unless_told_otherwise()
    {
        Assert.Equal("service:order-service", _trust.OrderEventsService);
        Assert.Equal("service:orders", new ServiceTrust([], "service:orders").OrderEventsService);
        Assert.Equal(["service:order-service", "service:checkout"], _trust.Trusted);
    }
}
