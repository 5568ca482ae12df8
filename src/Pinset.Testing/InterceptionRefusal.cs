namespace Pinset.Testing;

/// <summary>
/// The proof <see cref="PinningAssert"/> returns when a client refused an <see cref="InterceptingProxy"/>: the pin
/// refusal, and the proxy's record of the connections the attempt opened, none of which carried application data.
/// </summary>
public sealed class InterceptionRefusal
{
    internal InterceptionRefusal(string client, string host, PinValidationException refusal, IReadOnlyList<InterceptedConnection> connections)
    {
        Client = client;
        Host = host;
        Refusal = refusal;
        Connections = connections;
    }

    /// <summary>The client, as the assertion names it in messages.</summary>
    public string Client { get; }

    /// <summary>The host the client asked for.</summary>
    public string Host { get; }

    /// <summary>Pinset's refusal, with the expected pins and the chain the interceptor served.</summary>
    public PinValidationException Refusal { get; }

    /// <summary>The interceptor's connections from this attempt: each began a TLS handshake and sent no application data.</summary>
    public IReadOnlyList<InterceptedConnection> Connections { get; }

    /// <summary>Bytes of application data the interceptor received during the attempt: always 0 for a refusal.</summary>
    public long ApplicationBytes => Connections.Sum(c => c.ApplicationBytes);

    /// <summary>One sentence: who refused what, and what the interceptor received.</summary>
    public override string ToString() =>
        $"{Client} refused the interceptor for '{Host}' ({Refusal.Result.Outcome}): the interceptor saw {Counted.Of(Connections.Count, "TLS connection attempt")} ({string.Join(", ", Connections.Select(c => c.Mode).Distinct())}) and received {Counted.Of(ApplicationBytes, "byte")} of application data.";
}
