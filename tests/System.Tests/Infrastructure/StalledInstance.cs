using System.Net;
using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// An instance that cannot be reached in time: it listens, but with no room left in its accept queue (backlog 0, filled by
/// one connection of its own that is never accepted), so the kernel drops a newcomer's SYN and the connect hangs until the
/// caller gives up, as with an instance whose host stopped answering. Not a refused connection: a timeout.
/// </summary>
public sealed class StalledInstance : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TcpClient _filler = new();

    public StalledInstance()
    {
        _listener.Start(backlog: 0);
        _filler.Connect((IPEndPoint)_listener.LocalEndpoint); // completes: the queue holds one; the next connect waits
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _filler.Dispose();
        _listener.Stop();
    }
}
