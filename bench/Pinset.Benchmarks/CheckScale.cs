using System.Diagnostics;
using System.Globalization;
using Pinset.Cli;
using Pinset.TestSupport;

namespace Pinset.Benchmarks;

/// <summary>
/// <c>check [--quick]</c>: how <c>pinset check</c> scales with the number of servers, measured inside one warm process
/// (the command run in-process, as its tests run it, against loopback TLS servers). One handshake's time h is measured
/// the same way, as the command's own cost per server when it checks 20 servers one at a time; the goal is that N servers
/// at concurrency C take at most 1.5 × (N / C) × h. Two settings: plain loopback, where client and servers share the
/// machine's cores (CPU-bound, so concurrency beyond the core count cannot help), and servers that answer after a
/// simulated 20 ms round trip (latency-bound, like a real exchange across a network).
/// </summary>
internal static class CheckScale
{
    public static async Task<int> RunAsync(bool quick)
    {
        int[] counts = quick ? [200] : [50, 200, 1000];
        int runs = quick ? 1 : 5;
        Console.WriteLine($"pinset check scaling, {Environment.ProcessorCount} cores; medians of {runs} runs per row (fastest and slowest run in brackets)");
        Console.WriteLine("| servers | round trip | concurrency | h (one server) | bound 1.5 x (N/C) x h | measured | ratio to (N/C) x h | allocated per server |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var latency in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(20) })
        {
            int concurrency = latency == TimeSpan.Zero ? Environment.ProcessorCount : 8;
            foreach (int count in counts)
            {
                await using var fleet = await Fleet.StartAsync(count, latency);
                await fleet.CheckAsync(1, 1); // JIT and first-use costs out of the way
                double h = (await fleet.RunsAsync(20, 1, runs))[runs / 2].Seconds / 20;
                var all = await fleet.RunsAsync(count, concurrency, runs);
                var (seconds, allocated) = all[runs / 2];
                double ideal = (double)count / concurrency * h;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {count} | {latency.TotalMilliseconds:0} ms | {concurrency} | {h * 1000:0.00} ms | {1.5 * ideal:0.000} s | {seconds:0.000} s | {seconds / ideal:0.00} ({all[0].Seconds / ideal:0.00}-{all[^1].Seconds / ideal:0.00}) | {allocated / count / 1024.0:0.0} KB |"));
            }
        }

        return 0;
    }

    internal sealed class Fleet : IAsyncDisposable
    {
        private readonly TestPki _pki = new();
        private readonly TempDirectory _dir = new();
        private readonly List<LoopbackTlsServer> _servers = [];

        public static async Task<Fleet> StartAsync(int count, TimeSpan latency)
        {
            var fleet = new Fleet();
            for (int i = 0; i < count; i++)
            {
                fleet._servers.Add(LoopbackTlsServer.StartWithLatency(fleet._pki.Leaf, fleet._pki.GenuineChain(), latency));
            }

            await File.WriteAllTextAsync(fleet._dir.File("root.pem"), fleet._pki.Root.Certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(fleet._dir.File("policy.json"),
                $$$"""{"pinning": {"policies": [{"hosts": ["**.exchange.test"], "pins": ["{{{fleet._pki.Intermediate.Pin}}}", "{{{TestPki.BackupPin}}}"]}]}}""");
            return fleet;
        }

        /// <summary>Runs <c>pinset check</c> over the first <paramref name="count"/> servers; returns seconds and bytes allocated.</summary>
        public async Task<(double Seconds, long Allocated)> CheckAsync(int count, int concurrency, params string[] extra)
        {
            List<string> args = ["check", _dir.File("policy.json"), "--ca-file", _dir.File("root.pem"), "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), .. extra];
            for (int i = 0; i < count; i++)
            {
                args.Add($"s{i}.exchange.test:{_servers[i].Port}");
                args.Add("--resolve");
                args.Add($"s{i}.exchange.test:{_servers[i].Port}:127.0.0.1");
            }

            using var output = new StringWriter();
            using var error = new StringWriter();
            var cli = new CliConsole(output, error, interactive: false);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            using var interruption = new Interruption();
            int exit = await PinsetCli.RunAsync([.. args], cli, interruption);
            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            return exit == ExitCodes.Success
                ? (clock.Elapsed.TotalSeconds, allocated)
                : throw new InvalidOperationException($"pinset check exited {exit}: {error}{output}");
        }

        /// <summary>The runs, fastest first.</summary>
        public async Task<List<(double Seconds, long Allocated)>> RunsAsync(int count, int concurrency, int runs)
        {
            var results = new List<(double Seconds, long Allocated)>();
            for (int i = 0; i < runs; i++)
            {
                results.Add(await CheckAsync(count, concurrency));
            }

            return [.. results.OrderBy(r => r.Seconds)];
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }

            _dir.Dispose();
            _pki.Dispose();
        }
    }
}
