using System.Net.Security;
using System.Text;

namespace Pinset.Cli;

/// <summary>
/// The response headers of one <c>HEAD /</c> request, sent on a connection whose chain was already validated (and pinned,
/// where a policy applies): how <c>check</c> and <c>pin --strategy cdn</c> recognise a CDN (<c>server: cloudflare</c>,
/// <c>cf-ray</c>, <c>x-amz-cf-id</c>). At most 16 KiB are read, for at most <see cref="Wait"/> within the
/// probe's timeout; a server that does not answer HTTP (a FIX engine) gives no headers, which only means no CDN is
/// recognised by them.
/// </summary>
internal static class ResponseHeaders
{
    private const int Limit = 16 * 1024;

    /// <summary>How long a server may take to answer the request: a CDN answers a HEAD at once.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<KeyValuePair<string, string>>> ReadAsync(SslStream tls, string host, CancellationToken cancel)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(Wait);
        var timeout = bounded.Token;
        try
        {
            var request = Encoding.ASCII.GetBytes($"HEAD / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: pinset\r\nConnection: close\r\n\r\n");
            await tls.WriteAsync(request, timeout).ConfigureAwait(false);
            var buffer = new byte[Limit];
            int read = 0;
            while (read < Limit)
            {
                int n = await tls.ReadAsync(buffer.AsMemory(read), timeout).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
                if (buffer.AsSpan(0, read).IndexOf("\r\n\r\n"u8) >= 0)
                {
                    break;
                }
            }

            return Parse(Encoding.Latin1.GetString(buffer, 0, read));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return [];
        }
    }

    /// <summary>The header lines of an HTTP/1.x response head, after its status line; nothing when it is not one.</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> Parse(string head)
    {
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return [];
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).TakeWhile(l => l.Length > 0))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        return headers;
    }
}
