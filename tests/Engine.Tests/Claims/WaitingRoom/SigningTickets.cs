using System.Security.Cryptography;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims.WaitingRoom;

/// <summary>A ticket is unforgeable and bound to its user and template: any change to it, or another key, and it is not read.</summary>
public class SigningTickets
{
    private static readonly TicketSigner Signer = new(RandomNumberGenerator.GetBytes(32));
    private static readonly WaitingRoomTicket Ticket = new(new TemplateId(384536415389614080), new UserId(1001), 3120);

    [Fact]
    public void A_signed_ticket_reads_back_as_it_was()
    {
        var text = Signer.Sign(Ticket);

        Assert.StartsWith("wr1.384536415389614080.1001.3120.", text, StringComparison.Ordinal);
        Assert.Equal(Ticket, Signer.Read(text));
    }

    [Theory]
    [InlineData(1, "384536415389614081")] // another template
    [InlineData(2, "1002")] // another user
    [InlineData(3, "1")] // a better place
    [InlineData(3, "03120")] // the same number, not as signed
    [InlineData(0, "wr2")]
    public void A_changed_part_is_refused(int part, string value)
    {
        var parts = Signer.Sign(Ticket).Split('.');
        parts[part] = value;

        Assert.Null(Signer.Read(string.Join('.', parts)));
    }

    [Fact]
    public void A_changed_signature_is_refused()
    {
        var text = Signer.Sign(Ticket);
        var flipped = text[..^2] + (text[^2] == 'A' ? 'B' : 'A') + text[^1];

        Assert.Null(Signer.Read(flipped));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wr1.1.1.1")]
    [InlineData("wr1.1.1.1.x.y")]
    [InlineData("wr1.-1.1001.1.AAAA")]
    [InlineData("wr1.1.2.3.not-signed")]
    [InlineData("wr1.1.2.3.kZx1oQ7mP2c9Jf0yVbT4sLwE8nRgHa6uDiXq3CMeN5A=")]
    [InlineData("wr1.1.2.3.kZx1oQ7mP2c9Jf0yVbT4sLwE8nRgHa6uDiXq3CMeN5AkZx1oQ7m")]
    [InlineData("not a ticket at all")]
    public void Anything_else_is_not_a_ticket(string? text) => Assert.Null(Signer.Read(text));

    [Fact]
    public void A_ticket_signed_with_another_key_is_refused() =>
        Assert.Null(Signer.Read(new TicketSigner(RandomNumberGenerator.GetBytes(32)).Sign(Ticket)));

    [Fact]
    public void Instances_of_one_deployment_read_each_others_tickets_and_another_deployments_not()
    {
        var authKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var first = TicketSigner.From(null, authKey);

        Assert.Equal(Ticket, TicketSigner.From(null, authKey).Read(first.Sign(Ticket)));
        Assert.Null(TicketSigner.From(null, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Read(first.Sign(Ticket)));
        var own = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Equal(Ticket, TicketSigner.From(own, null).Read(TicketSigner.From(own, authKey).Sign(Ticket)));
        Assert.Null(TicketSigner.From(own, authKey).Read(first.Sign(Ticket))); // the own key wins over the derived one
    }

    [Fact]
    public void A_signing_key_shorter_than_32_bytes_stops_the_start()
    {
        var options = new WaitingRoomOptions { SigningKey = Convert.ToBase64String(new byte[31]) };

        Assert.Equal(["Engine:WaitingRoom:SigningKey is a base64 key of 32 bytes or more."], options.Faults());
    }
}
