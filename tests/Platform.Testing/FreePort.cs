using System.Net;
using System.Net.Sockets;

namespace Platform.Testing;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago; the OS hands them out in sequence, so parallel fixtures do not collide.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
