using System.Net.Sockets;
using System.Text;

namespace Pinset.Cli.Tests;

/// <summary>
/// <c>pinset tunnel --proxy</c>: the upstream TLS connection made through an HTTP proxy's CONNECT (the real mitmproxy on
/// loopback), as a trading desk behind a corporate proxy runs it. Passing through, the session works and the pins are
/// judged on the server's own chain; intercepting with a CA the tunnel trusts, the session is refused before a byte of
/// the client's is forwarded.
/// </summary>
public sealed class TunnelProxyTests : IDisposable
{
    private readonly CliFixture _fx = new();

    public void Dispose() => _fx.Dispose();

    private async Task<TunnelProcess> StartAsync(int serverPort, MitmProxy proxy) =>
        await TunnelProcess.StartAsync(
        [
            "--listen", "127.0.0.1:0", "--to", $"localhost:{serverPort}", "--proxy", $"http://127.0.0.1:{proxy.Port}", "--ca-file", _fx.RootsPem,
            "--policy", _fx.Policy($$"""{"hosts": ["localhost"], "pins": ["{{_fx.Pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"]}"""),
        ]);

    [RequiresToolsFact("openssl", "mitmdump")]
    public async Task PassingThrough_TheSessionCarriesEveryLine_PinnedOnTheServersOwnChain()
    {
        await using var server = await OpenSslTlsServer.StartLineReverserAsync(_fx.Pki.Leaf, [_fx.Pki.Intermediate.Certificate]);
        await using var proxy = await MitmProxy.StartForwardAsync(_fx.Pki.InterceptorRoot, _fx.Pki.Root, intercept: false);
        await using var tunnel = await StartAsync(server.Port, proxy);

        using var client = await tunnel.ConnectAsync();
        using var stream = new NetworkStream(client);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        for (int seq = 1; seq <= 50; seq++)
        {
            var message = $"8=FIX.4.4|35=0|34={seq}|";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(message + "\n"));
            Assert.Equal(new string([.. message.Reverse()]), await reader.ReadLineAsync());
        }

        Assert.Contains("Session 1: the pin check of 'localhost' passed", await tunnel.WaitForAsync("pin check"), StringComparison.Ordinal);
        await proxy.SeenAsync($"server connect localhost:{server.Port}").WaitAsync(TimeSpan.FromSeconds(30));
    }

    [RequiresToolsFact("openssl", "mitmdump")]
    public async Task Intercepting_RefusedBeforeAByteIsForwarded()
    {
        await using var server = await OpenSslTlsServer.StartAsync(_fx.Pki.Leaf, [_fx.Pki.Intermediate.Certificate]);
        await using var proxy = await MitmProxy.StartForwardAsync(_fx.Pki.InterceptorRoot, _fx.Pki.Root, intercept: true);
        await using var tunnel = await StartAsync(server.Port, proxy);

        using (var client = await tunnel.ConnectAsync())
        {
            await client.SendAsync("GET /secret HTTP/1.1\r\nHost: localhost\r\n\r\n"u8.ToArray());
            Assert.Equal(0, await TunnelProcess.ReadToEndAsync(client));
        }

        await tunnel.WaitForAsync("Session 1 closed without forwarding");
        Assert.Contains($"Session 1 refused: localhost:{server.Port} failed the pin check", tunnel.Log, StringComparison.Ordinal);
        Assert.Contains("CN=Interceptor Root CA", tunnel.Log, StringComparison.Ordinal);
        Assert.False(server.ReceivedRequest);
        Assert.DoesNotContain("/secret", proxy.Output, StringComparison.Ordinal);
    }
}
