using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Pinset.Extensions;

/// <summary>
/// What Pinset's own clients (the bundle fetch, the report client) trust, by one rule: their own setting when given,
/// else the app's <see cref="PinningOptions.CustomTrustRoots"/>, else the system's roots; always as a chain policy the
/// platform validates, never a certificate callback. A server certificate such a client refuses is no transient failure
/// (it is not retried), and the refusal says which setting the client followed and which to change.
/// </summary>
/// <param name="Client">The client, as a sentence names it ("the bundle fetch").</param>
/// <param name="Server">Its server, as a sentence names it ("the bundle server").</param>
/// <param name="Setting">The client's own setting ("Bundles.CustomTrustRoots").</param>
/// <param name="Own">That setting's roots.</param>
/// <param name="App">The app's roots.</param>
internal sealed record OwnClientTrust(string Client, string Server, string Setting, X509Certificate2Collection? Own, X509Certificate2Collection? App)
{
    /// <summary>The roots the client trusts; null for the system's.</summary>
    public X509Certificate2Collection? Roots => Own ?? App;

    /// <summary>A new handler that trusts <see cref="Roots"/>.</summary>
    public SocketsHttpHandler Handler(SocketsHttpHandler handler)
    {
        if (Roots is { Count: > 0 } roots)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        return handler;
    }

    /// <summary>What to do when the handshake refused the server: which setting the client followed, and which to change.</summary>
    public string Refusal()
    {
        var trusts = Own is not null
            ? $"the roots of {Setting}"
            : App is not null
                ? $"the app's roots, PinningOptions.CustomTrustRoots ({Setting} is not set)"
                : $"the system's roots (neither {Setting} nor PinningOptions.CustomTrustRoots is set)";
        return $"The {Server}'s certificate was refused by {Client}, which trusts {trusts}. If the server is the right one, add the root that issued its certificate to {Setting} ({Client}'s own trust, which takes the place of the app's), or serve it with a certificate from a CA {Client} trusts.";
    }

    /// <summary>True when <paramref name="error"/> is the TLS handshake refusing the server (its certificate, mostly).</summary>
    public static bool IsCertificateRefusal(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
