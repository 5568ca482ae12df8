using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Pinset;

// The cold-start benchmark's consumer app, run as a fresh process by `bench/Pinset.Benchmarks -- coldstart`: one HTTPS
// request, as an app's first, timed from the start of Main to the response. "unpinned" trusts the test root through a
// chain policy and nothing more; "exact" and "wildcard" load a policy file and pin, trusting the same root through
// Pinset. Everything else (runtime start, the root's loading, the handler, the request) is the same in all three.
// Usage: Pinset.ColdStart unpinned|exact|wildcard PORT ROOT.pem POLICY-DIRECTORY
var clock = Stopwatch.StartNew();
string variant = args[0];
int port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
using var root = X509Certificate2.CreateFromPem(File.ReadAllText(args[2]));

SocketsHttpHandler handler;
if (variant == "unpinned")
{
    handler = new SocketsHttpHandler();
    handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
    handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(root);
}
else
{
    var policy = PinningPolicy.Load(Path.Combine(args[3], variant + ".json"));
    var pinner = new CertificatePinner(policy, new CertificatePinnerOptions { CustomTrustRoots = [root] });
    handler = new SocketsHttpHandler().UseCertificatePinning(pinner);
}

handler.ConnectCallback = async (_, token) =>
{
    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(IPAddress.Loopback, port, token);
    return new NetworkStream(socket, ownsSocket: true);
};
using var http = new HttpClient(handler);
string body = await http.GetStringAsync(new Uri($"https://api.exchange.test:{port}/"));
double elapsed = clock.Elapsed.TotalMilliseconds;
Console.WriteLine(body == "hello" ? $"elapsed={elapsed.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}" : $"unexpected answer '{body}'");
return body == "hello" ? 0 : 1;
