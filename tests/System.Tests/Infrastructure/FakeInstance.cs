using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A stand-in for one instance behind the gateway: answers every request 200 with its name (X-Instance) and the
/// forwarding headers it received echoed back (X-Seen-Forwarded-For, X-Seen-Request-Id), or, when told to drop,
/// reads the request and closes the connection without an answer (an instance that died mid-request).
/// </summary>
public sealed class FakeInstance : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public FakeInstance(string name, bool drop = false)
    {
        Name = name;
        Drop = drop;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public bool Drop { get; }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The request lines ("METHOD /path") this instance received.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                head.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
            var lines = head.ToString().Split("\r\n");
            var requestLine = lines[0].Split(' ');
            Received.Enqueue($"{requestLine[0]} {requestLine[1]}");
            if (Drop) return;
            string Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
                .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault() ?? "";
            var answer = "HTTP/1.1 200 OK\r\n" +
                $"X-Instance: {Name}\r\nX-Seen-Forwarded-For: {Header("X-Forwarded-For")}\r\nX-Seen-Request-Id: {Header("X-Request-Id")}\r\n" +
                "Content-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.Latin1.GetBytes(answer), _stop.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // the gateway went away first: nothing to answer
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
