using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one key a service's control endpoints take (inference's repository API, sync's on-demand reconcile).</summary>
public static class ApiKeys
{
    public const string Header = "X-Api-Key";

    /// <summary>Whether the request carries <paramref name="key"/> in <see cref="Header"/>, compared in constant time.</summary>
    public static bool Presented(HttpRequest request, string key) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers[Header].ToString()), Encoding.UTF8.GetBytes(key));
}
