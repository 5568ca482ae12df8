using System.Security.Cryptography.X509Certificates;

namespace Pinset.Cli;

/// <summary>What a connecting command was told about how to connect.</summary>
internal sealed record ConnectionSettings(X509Certificate2Collection? Roots, IReadOnlyList<ResolveEntry> Resolves, string? Sni, TimeSpan Timeout)
{
    public static ConnectionSettings Default { get; } = new(null, [], null, TimeSpan.FromSeconds(10));

    /// <summary>The <c>--connect-to</c> entries, first match wins.</summary>
    public IReadOnlyList<ConnectToEntry> ConnectTos { get; init; } = [];

    /// <summary>The proxy to connect through, if any.</summary>
    public ProxySettings? Proxy { get; init; }
}
