using System.Diagnostics;
using System.Globalization;
using Pinset.TestSupport;
using static Pinset.Benchmarks.Quantiles;

namespace Pinset.Benchmarks;

/// <summary>
/// The first pinned request of a fresh process against an unpinned one. <c>bench/Pinset.ColdStart</c>, a consumer app, is
/// built twice: against Pinset's source (IL only, compiled by the JIT as it runs) and against the Pinset package that
/// <c>eng/pack.sh</c> makes (with ReadyToRun code for this runtime), as an app gets it. Both run as fresh processes in
/// rounds; each round runs the unpinned control, an exact-host policy and a <c>**.</c> policy in a shuffled order against
/// one loopback server. A round's differences to its own control are paired, so drift in the machine cancels; the
/// medians of those differences are what pinning adds to a cold start. Each build is also run once with the JIT's
/// summary on, to count the Pinset methods the JIT still had to compile.
/// </summary>
internal static class ColdStart
{
    private static readonly string[] Variants = ["unpinned", "exact", "wildcard"];

    public static async Task<int> RunAsync(bool quick)
    {
        int rounds = quick ? 8 : 40;
        using var pki = new TestPki();
        await using var server = LoopbackTlsServer.Start(pki.Leaf, pki.GenuineChain());
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("root.pem"), pki.Root.Certificate.ExportCertificatePem());
        string pins = $"\"{pki.Intermediate.Pin}\", \"{TestPki.BackupPin}\"";
        File.WriteAllText(dir.File("exact.json"), $$$"""{"pinning": {"policies": [{"hosts": ["{{{TestPki.DefaultHost}}}"], "pins": [{{{pins}}}], "expires": "2030-01-01T00:00:00Z"}]}}""");
        File.WriteAllText(dir.File("wildcard.json"), $$$"""{"pinning": {"policies": [{"hosts": ["**.exchange.test"], "pins": [{{{pins}}}], "expires": "2030-01-01T00:00:00Z"}]}}""");

        string feed = dir.File("feed");
        var (packed, packOutput) = await RunProcessAsync("bash", [Repository.File("eng", "pack.sh"), feed]);
        if (packed != 0)
        {
            throw new InvalidOperationException($"eng/pack.sh failed:\n{packOutput}");
        }

        var builds = new Dictionary<string, string>
        {
            ["source"] = await PublishAsync(dir.File("source")),
            ["package"] = await PublishAsync(dir.File("package"), $"-p:PinsetFeed={feed}", $"-p:RestorePackagesPath={dir.File("nuget")}"),
        };
        foreach (var (build, app) in builds)
        {
            Console.WriteLine($"  {build}: methods of or over Pinset's types the JIT compiled in a pinned first request: {await JitCompiledAsync(app, server.Port, dir)}");
        }

        var random = new Random(7469);
        var samples = builds.Keys.ToDictionary(b => b, _ => Variants.ToDictionary(v => v, _ => new List<double>()));
        for (int round = -1; round < rounds; round++)
        {
            foreach (var (build, app) in builds)
            {
                foreach (var variant in Variants.OrderBy(_ => random.Next()))
                {
                    double elapsed = await RunAsync(app, variant, server.Port, dir.Path);
                    if (round >= 0)
                    {
                        samples[build][variant].Add(elapsed); // round -1 warms the disk cache and is not counted
                    }
                }
            }
        }

        Console.WriteLine($"Cold start: the first request of a fresh process, Main to response, {rounds} rounds, medians (ms):");
        foreach (var (build, byVariant) in samples)
        {
            var control = byVariant["unpinned"];
            Console.WriteLine($"  {build,-10}  unpinned {Median(control),7:F1}");
            foreach (var variant in Variants.Skip(1))
            {
                var added = byVariant[variant].Zip(control, (pinned, plain) => pinned - plain).ToList();
                Console.WriteLine($"  {build,-10}  {variant,-8} {Median(byVariant[variant]),7:F1}   added {Median(added),6:F1} (quartiles {Quantile(added, 0.25):F1} to {Quantile(added, 0.75):F1})");
            }
        }

        return 0;
    }

    private static async Task<string> PublishAsync(string output, params string[] options)
    {
        string project = Repository.File("bench", "Pinset.ColdStart", "Pinset.ColdStart.csproj");
        var (code, text) = await DotnetAsync(["publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet", .. options]);
        return code == 0 ? Path.Combine(output, "Pinset.ColdStart.dll") : throw new InvalidOperationException($"Publishing the cold-start app failed:\n{text}");
    }

    private static async Task<double> RunAsync(string app, string variant, int port, string directory)
    {
        var (code, text) = await DotnetAsync([app, variant, port.ToString(CultureInfo.InvariantCulture), Path.Combine(directory, "root.pem"), directory]);
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("elapsed=", StringComparison.Ordinal));
        return code == 0 && line is not null
            ? double.Parse(line["elapsed=".Length..], CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"The cold-start app ({variant}) failed with exit code {code}:\n{text}");
    }

    private static async Task<int> JitCompiledAsync(string app, int port, TempDirectory dir)
    {
        string summary = dir.File($"jit-{Guid.NewGuid():N}.txt");
        var (_, text) = await RunProcessAsync("dotnet", [app, "exact", port.ToString(CultureInfo.InvariantCulture), dir.File("root.pem"), dir.Path],
            new() { ["DOTNET_JitDisasmSummary"] = "1", ["DOTNET_JitStdOutFile"] = summary });

        // The runtime sometimes aborts at exit while closing the summary file; the request had answered by then.
        return text.Contains("elapsed=", StringComparison.Ordinal) && File.Exists(summary)
            ? File.ReadLines(summary).Count(line => line.Contains("Pinset.", StringComparison.Ordinal) && !line.Contains("Pinset.ColdStart", StringComparison.Ordinal))
            : throw new InvalidOperationException($"The cold-start app failed under the JIT summary:\n{text}");
    }

    private static Task<(int Code, string Output)> DotnetAsync(string[] arguments) => RunProcessAsync("dotnet", arguments);

    private static async Task<(int Code, string Output)> RunProcessAsync(string program, string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
