using System.Security.Cryptography.X509Certificates;

namespace Pinset.TestSupport;

/// <summary>
/// One TLS server block of an <see cref="NginxServer"/>: the leaf (with its key) and the certificates sent after it,
/// exactly in this order, whether or not they chain (nginx sends its certificate file as it is).
/// </summary>
public sealed record NginxSite(string Name, X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Chain)
{
    /// <summary>nginx's <c>ssl_protocols</c>.</summary>
    public string Protocols { get; init; } = "TLSv1.2 TLSv1.3";

    /// <summary>Response headers the site adds to every answer (after nginx's own), such as Cloudflare's <c>server: cloudflare</c> and <c>cf-ray</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>nginx's <c>ssl_session_tickets</c>; with it off, TLS 1.2 resumes by session id from the shared cache.</summary>
    public bool SessionTickets { get; init; } = true;
}
