using System.Globalization;
using Pinset.TestSupport;

namespace Pinset.Benchmarks;

/// <summary>
/// <c>check-map [--quick]</c>: what the CA map costs <c>pinset check</c>, as a ratio measured in one run. The same 1,000
/// loopback servers are checked, in-process at concurrency 8, alternately with the built-in map (read on the first
/// check that needs it, then every CA of every chain looked up, and CDN recognition tried) and with a map that knows no
/// key (<c>--ca-map</c> of an empty map: check as it was before the map, no lookup finds anything). The goal is that
/// the built-in map's runs take at most 1.1 times the others'. The servers' chains are a private PKI's, as most
/// checked hosts' are not a CDN's, so neither run sends the HEAD request a CDN-issued chain would.
/// </summary>
internal static class CheckMapCost
{
    public static async Task<int> RunAsync(bool quick)
    {
        int count = quick ? 200 : 1000, runs = quick ? 3 : 7;
        using var dir = new TempDirectory();
        var empty = dir.File("empty-map.tsv");
        await File.WriteAllTextAsync(empty, "source\tno CA at all, the baseline\ndate\t" + DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "\n");
        await using var fleet = await CheckScale.Fleet.StartAsync(count, TimeSpan.Zero);
        await fleet.CheckAsync(count, 8, "--ca-map", empty); // JIT and first-use costs out of the way
        await fleet.CheckAsync(count, 8);
        var baseline = new List<double>();
        var withMap = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            // Alternated, so that the machine's drift weighs on both alike.
            baseline.Add((await fleet.CheckAsync(count, 8, "--ca-map", empty)).Seconds);
            withMap.Add((await fleet.CheckAsync(count, 8)).Seconds);
        }

        baseline.Sort();
        withMap.Sort();
        double ratio = withMap[runs / 2] / baseline[runs / 2];
        Console.WriteLine($"pinset check over {count} servers, concurrency 8, {Environment.ProcessorCount} cores; medians of {runs} alternated runs");
        Console.WriteLine("| servers | without the map (baseline) | with the built-in map | ratio | goal |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {count} | {baseline[runs / 2]:0.000} s ({baseline[0]:0.000}-{baseline[^1]:0.000}) | {withMap[runs / 2]:0.000} s ({withMap[0]:0.000}-{withMap[^1]:0.000}) | {ratio:0.00} | 1.10 |"));
        return ratio <= 1.1 ? 0 : 1;
    }
}
