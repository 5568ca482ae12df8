using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Pinset.TestSupport;

namespace Pinset.Benchmarks;

/// <summary>
/// Real TLS on loopback (Kestrel, generated chain): new-connection handshakes per second and kept-alive requests per
/// second, with and without pinning, in alternating rounds of one run so both sides see the same machine. Both clients
/// trust the same custom root through the same chain policy; the only difference is the pin check.
/// </summary>
internal static class EndToEnd
{
    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 6 : 20, handshakes = quick ? 40 : 200, requests = quick ? 400 : 4_000;
        using var pki = new TestPki();
        await using var server = await KestrelExchange.StartAsync(pki.Leaf, pki.GenuineChain());
        var pinner = new CertificatePinner(
            PinningPolicy.Create(new() { Policies = [new() { Hosts = [TestPki.DefaultHost], Pins = [pki.Intermediate.Pin.ToString(), TestPki.BackupPin.ToString()] }] }),
            new CertificatePinnerOptions { CustomTrustRoots = [pki.Root.Certificate] });
        var url = new Uri(server.Url(), "ticker");
        SocketsHttpHandler Handler(bool pinned)
        {
            var handler = new SocketsHttpHandler { ConnectCallback = Loopback.ConnectTo(server.Port) };
            if (pinned)
            {
                return handler.UseCertificatePinning(pinner);
            }

            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.Add(pki.Root.Certificate);
            return handler;
        }

        async Task<double> HandshakesPerSecond(bool pinned)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < handshakes; i++)
            {
                using var client = new HttpClient(Handler(pinned));
                await client.GetStringAsync(url);
            }

            return handshakes / clock.Elapsed.TotalSeconds;
        }

        async Task<double> RequestsPerSecond(HttpClient client)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < requests; i++)
            {
                await client.GetStringAsync(url);
            }

            return requests / clock.Elapsed.TotalSeconds;
        }

        using var pinnedClient = new HttpClient(Handler(true));
        using var plainClient = new HttpClient(Handler(false));
        await HandshakesPerSecond(true);
        await HandshakesPerSecond(false);
        await RequestsPerSecond(pinnedClient);
        await RequestsPerSecond(plainClient);

        var results = new Dictionary<string, List<double>> { ["hs-pinned"] = [], ["hs-plain"] = [], ["rps-pinned"] = [], ["rps-plain"] = [] };
        for (int round = 0; round < rounds; round++)
        {
            // Alternate which side goes first, so drift in the machine favours neither.
            bool pinnedFirst = round % 2 == 0;
            foreach (bool pinned in pinnedFirst ? new[] { true, false } : [false, true])
            {
                results[pinned ? "hs-pinned" : "hs-plain"].Add(await HandshakesPerSecond(pinned));
                results[pinned ? "rps-pinned" : "rps-plain"].Add(await RequestsPerSecond(pinned ? pinnedClient : plainClient));
            }
        }

        double Median(string key) => results[key].Order().ElementAt(results[key].Count / 2);
        Console.WriteLine($"End to end, {rounds} alternating rounds of {handshakes} new connections and {requests} kept-alive requests (HTTP/1.1 over TLS, loopback Kestrel):");
        Console.WriteLine($"  handshakes/s   pinned {Median("hs-pinned"),10:F0}   unpinned {Median("hs-plain"),10:F0}   ratio {Median("hs-pinned") / Median("hs-plain"):F3}");
        Console.WriteLine($"  requests/s     pinned {Median("rps-pinned"),10:F0}   unpinned {Median("rps-plain"),10:F0}   ratio {Median("rps-pinned") / Median("rps-plain"):F3}");
        return 0;
    }
}
