using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Storage.Tests.Providers;

/// <summary>
/// A TCP relay in front of a blob endpoint that flips one bit at the start of every PUT body, as a faulty network path
/// would, so tests can see what transfer validation does with damaged uploads. Responses pass through untouched. It reads
/// just enough HTTP/1.1 (Content-Length bodies on kept-alive connections) for the Azure SDK's requests.
/// </summary>
public sealed partial class AzureBlobCorruptingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _corrupted;

    public AzureBlobCorruptingProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>How many request bodies were damaged so far, so a test can tell that damage was done.</summary>
    public int Corrupted => Volatile.Read(ref _corrupted);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(RelayAsync(client));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var server = new TcpClient();
        using (client)
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var requests = CorruptRequestsAsync(client.GetStream(), server.GetStream(), _stop.Token);
                var responses = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await Task.WhenAny(requests, responses);
                client.Close();
                server.Close();
                await Task.WhenAll(requests, responses);
            }
            catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // One side hung up or the proxy stopped: the connection is over either way.
            }
        }
    }

    private async Task CorruptRequestsAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        var filled = 0;
        while (true)
        {
            int headEnd;
            while ((headEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
            {
                var read = await from.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (read == 0)
                {
                    return;
                }
                filled += read;
            }
            var headLength = headEnd + 4;
            var head = Encoding.ASCII.GetString(buffer, 0, headLength);
            var remaining = ContentLength().Match(head) is { Success: true } match ? long.Parse(match.Groups[1].Value) : 0;
            var corrupt = head.StartsWith("PUT ", StringComparison.Ordinal) && remaining > 0;
            await to.WriteAsync(buffer.AsMemory(0, headLength), cancellationToken);
            filled = Shift(buffer, headLength, filled);

            while (remaining > 0)
            {
                if (filled == 0 && (filled = await from.ReadAsync(buffer, cancellationToken)) == 0)
                {
                    return;
                }
                var chunk = (int)Math.Min(filled, remaining);
                if (corrupt)
                {
                    buffer[0] ^= 0x01;
                    corrupt = false;
                    Interlocked.Increment(ref _corrupted);
                }
                await to.WriteAsync(buffer.AsMemory(0, chunk), cancellationToken);
                remaining -= chunk;
                filled = Shift(buffer, chunk, filled);
            }
        }
    }

    /// <summary>Drops the first <paramref name="count"/> bytes of the buffer and returns how many are left.</summary>
    private static int Shift(byte[] buffer, int count, int filled)
    {
        Buffer.BlockCopy(buffer, count, buffer, 0, filled - count);
        return filled - count;
    }

    [GeneratedRegex(@"^Content-Length:\s*(\d+)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex ContentLength();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
