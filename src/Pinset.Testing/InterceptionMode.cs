namespace Pinset.Testing;

/// <summary>How a client reached an <see cref="InterceptingProxy"/>.</summary>
public enum InterceptionMode
{
    /// <summary>The client was pointed at the proxy (a route, a DNS answer) and began TLS at once.</summary>
    Direct,

    /// <summary>The client used the proxy as its HTTP proxy: it sent <c>CONNECT host:port</c>, then TLS.</summary>
    Connect,
}
