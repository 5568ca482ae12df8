// Pinset quick start, offline: a pinned HttpClient passes against a loopback "exchange" and is refused by a loopback
// interceptor whose CA the client also trusts (as a corporate proxy or malware CA would be). Exits 0 only if both
// happen as they should and the interceptor received no request.
using Pinset;
using Pinset.TestSupport;

using var pki = new TestPki();
await using var exchange = LoopbackTlsServer.Start(pki.Leaf, pki.GenuineChain());
await using var interceptor = LoopbackTlsServer.Start(pki.InterceptorLeaf);

// The policy a real client ships: the exchange's intermediate CA key and a backup key not yet deployed.
var policy = PinningPolicy.Parse($$"""
{
  "pinning": {
    "policies": [
      { "hosts": ["{{TestPki.Host}}"], "pins": ["{{pki.Intermediate.Pin}}", "{{TestPki.BackupPin}}"] }
    ]
  }
}
""");

// Both CAs are trusted, so without pinning both connections would succeed.
var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = pki.TrustBoth() });
var url = new Uri($"https://{TestPki.Host}/ticker");

Console.WriteLine($"1. Pinned client -> genuine exchange (127.0.0.1:{exchange.Port})");
using (var client = new HttpClient(Route(new SocketsHttpHandler().UseCertificatePinning(pinner), exchange)))
{
    Console.WriteLine($"   passed: {await client.GetStringAsync(url)}");
}

Console.WriteLine($"2. Pinned client -> interceptor with a trusted CA (127.0.0.1:{interceptor.Port})");
bool refused = false;
using (var client = new HttpClient(Route(new SocketsHttpHandler().UseCertificatePinning(pinner), interceptor)))
{
    try
    {
        await client.GetStringAsync(url);
        Console.WriteLine("   NOT refused: pinning did not stop the interceptor.");
    }
    catch (HttpRequestException ex) when (ex.InnerException is PinValidationException pinning)
    {
        refused = true;
        Console.WriteLine("   refused:");
        Console.WriteLine("   " + pinning.Message.Replace("\n", "\n   ", StringComparison.Ordinal));
    }
}

bool ok = exchange.Requests == 1 && refused && interceptor.Requests == 0;
Console.WriteLine(ok
    ? "OK: the genuine exchange answered, the interceptor was refused before any request reached it."
    : $"FAILED: exchange requests {exchange.Requests}, interceptor refused {refused}, interceptor requests {interceptor.Requests}.");
return ok ? 0 : 1;

// Sends every request for the exchange's name to a loopback server, as curl's --resolve does.
static SocketsHttpHandler Route(SocketsHttpHandler handler, LoopbackTlsServer server)
{
    handler.ConnectCallback = server.Handler().ConnectCallback;
    return handler;
}
