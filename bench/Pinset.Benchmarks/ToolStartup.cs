using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Pinset.TestSupport;
using static Pinset.Benchmarks.Quantiles;

namespace Pinset.Benchmarks;

/// <summary>
/// <c>startup [--quick] [--feed DIR]</c>: <c>pinset pin FILE</c> on one certificate from a cold process, against
/// <c>openssl x509 -pubkey -noout -in FILE</c>, the baseline. The tool is installed exactly as the README says
/// (<c>eng/pack.sh artifacts &amp;&amp; dotnet tool install --global --prerelease --add-source artifacts Pinset.Cli</c>, into a
/// home of the benchmark's own): on linux-x64 that is the native AOT executable. Every round runs each command as a
/// fresh process, in a shuffled order: openssl; the installed pinset; the framework-dependent IL that every other
/// platform gets (<c>dotnet Pinset.Cli.dll</c>, unpacked from the feed's Pinset.Cli.any package). Three more explain the
/// numbers: openssl with an empty trust store (it loads the system's first, even for <c>-pubkey</c>), the installed
/// <c>pinset --version</c> (its start-up without the pin), and <c>true</c> (what starting any process costs here). A time
/// is the wall clock from starting the process to its exit, its output read through pipes, as a shell pipeline times it.
/// Reported: each command's median and quartiles, and its ratio to openssl: of the medians, and the median (quartiles)
/// of each round's own ratio, so drift in the machine falls on both sides of a ratio alike. The goal for the installed
/// pinset is at most 1.5. <c>--feed DIR</c> installs from packages packed before. BenchmarkDotNet is not used: it runs
/// one benchmark's iterations to their end before the next, so the commands could not be interleaved.
/// </summary>
internal static class ToolStartup
{
    private const double Goal = 1.5;

    private static readonly ExternalTool Dotnet = new(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", "the .NET SDK");

    private static readonly ExternalTool True = new("true", "coreutils");

    /// <summary>
    /// openssl x509 loads the system's trust store first, even for -pubkey (most of its time with Debian's 144 roots);
    /// with an empty one, what is left is its own start-up and work.
    /// </summary>
    private static readonly Dictionary<string, string?> NoTrustStore = new() { ["SSL_CERT_FILE"] = "/dev/null" };

    public static async Task<int> RunAsync(bool quick, string? packedFeed)
    {
        int rounds = quick ? 30 : 300;
        using var pki = new TestPki();
        using var dir = new TempDirectory();
        string certificate = dir.File("leaf.pem");
        await File.WriteAllTextAsync(certificate, pki.Leaf.ExportCertificatePem() + "\n");

        var (installed, packTime) = await InstallAsReadmeSaysAsync(dir, packedFeed);
        var pinset = new ExternalTool(installed, "the pinset tool");
        string anyTool = UnpackAnyTool(dir);
        var commands = new (string Name, Func<Process> Start)[]
        {
            ("openssl x509 -pubkey -noout -in FILE", () => ExternalTool.OpenSsl.Start(["x509", "-pubkey", "-noout", "-in", certificate])),
            ("pinset pin FILE (installed as the README says)", () => pinset.Start(["pin", certificate])),
            ("dotnet Pinset.Cli.dll pin FILE (the IL other platforms get)", () => Dotnet.Start([anyTool, "pin", certificate])),
            ("openssl x509 -pubkey -noout -in FILE, SSL_CERT_FILE=/dev/null", () => ExternalTool.OpenSsl.Start(["x509", "-pubkey", "-noout", "-in", certificate], environment: NoTrustStore)),
            ("pinset --version (installed: its start-up alone)", () => pinset.Start(["--version"])),
            ("true (the floor: any process)", () => True.Start([])),
        };

        // The first round warms the disk cache, is not counted, and checks that each command did its work.
        var outputs = commands.Select(c => Time(c.Name, c.Start).Output).ToList();
        if (!outputs[0].Contains("BEGIN PUBLIC KEY", StringComparison.Ordinal) || outputs[3] != outputs[0] || !outputs[1].StartsWith(pki.LeafPin.ToString(), StringComparison.Ordinal) || outputs[1] != outputs[2])
        {
            throw new InvalidOperationException($"The commands did not print what they should:\n{string.Join("\n", outputs)}");
        }

        var random = new Random(7469);
        var samples = commands.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            foreach (int index in Enumerable.Range(0, commands.Length).OrderBy(_ => random.Next()))
            {
                samples[index].Add(Time(commands[index].Name, commands[index].Start).Milliseconds);
            }
        }

        Print(commands.Select(c => c.Name).ToList(), samples, rounds, quick);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eng/pack.sh took {packTime.TotalSeconds:F0} s; the installed 'pinset' is '{new FileInfo(installed).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? installed}', {new FileInfo(new FileInfo(installed).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? installed).Length / 1048576.0:F1} MiB."));
        return 0;
    }

    private static void Print(List<string> names, List<double>[] samples, int rounds, bool quick)
    {
        Console.WriteLine($"Start-up of the pinset tool: {rounds} rounds{(quick ? " (quick)" : string.Empty)}, each command a fresh process, interleaved in a shuffled order; {Environment.ProcessorCount} cores, {Cpu()}, .NET {Environment.Version}, {Describe(ExternalTool.OpenSsl, "version")}");

        Console.WriteLine("| command | median | quartiles | ratio of medians to openssl | per-round ratio to openssl (quartiles) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var baseline = samples[0];
        for (int i = 0; i < names.Count; i++)
        {
            var ratios = samples[i].Zip(baseline, (time, openssl) => time / openssl).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[i]} | {Median(samples[i]):F1} ms | {Quantile(samples[i], 0.25):F1} to {Quantile(samples[i], 0.75):F1} ms | {Median(samples[i]) / Median(baseline):F2} | {Median(ratios):F2} ({Quantile(ratios, 0.25):F2} to {Quantile(ratios, 0.75):F2}) |"));
        }

        double ratio = Median(samples[1]) / Median(baseline);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Goal, pinset installed as the README says at most {Goal:F1}x openssl: {(ratio <= Goal ? "met" : "NOT met")} ({ratio:F2}x)."));
    }

    /// <summary>Starts the command, reads its output to the end and waits for its exit: the wall-clock milliseconds, and what it printed.</summary>
    private static (double Milliseconds, string Output) Time(string name, Func<Process> start)
    {
        long started = Stopwatch.GetTimestamp();
        using var process = start();
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return process.ExitCode == 0 ? (elapsed, output) : throw new InvalidOperationException($"'{name}' exited {process.ExitCode}: {error.Result}");
    }

    /// <summary>
    /// The README's install line, as written, in a directory of the benchmark's own with its own tool home: eng/pack.sh
    /// into 'artifacts' (or a link to <paramref name="packedFeed"/>), then 'dotnet tool install --global ...'. The path of
    /// the 'pinset' it installed, and how long packing took.
    /// </summary>
    private static async Task<(string Pinset, TimeSpan PackTime)> InstallAsReadmeSaysAsync(TempDirectory dir, string? packedFeed)
    {
        var work = Directory.CreateDirectory(dir.File("work")).FullName;
        var artifacts = Path.Combine(work, "artifacts");
        var packing = Stopwatch.StartNew();
        if (packedFeed is null)
        {
            await Must(new ExternalTool("bash", "bash").RunAsync([Repository.File("eng", "pack.sh"), artifacts], work), "eng/pack.sh");
        }
        else
        {
            Directory.CreateSymbolicLink(artifacts, Path.GetFullPath(packedFeed));
        }

        var packTime = packing.Elapsed;
        var home = Directory.CreateDirectory(dir.File("home")).FullName;
        await Must(Dotnet.RunAsync(["tool", "install", "--global", "--prerelease", "--add-source", "artifacts", "Pinset.Cli"], work, new Dictionary<string, string?> { ["DOTNET_CLI_HOME"] = home }), "dotnet tool install");
        return (Path.Combine(home, ".dotnet", "tools", "pinset"), packTime);
    }

    /// <summary>The framework-dependent tool that platforms without a native package get, unpacked from the feed.</summary>
    private static string UnpackAnyTool(TempDirectory dir)
    {
        ZipFile.ExtractToDirectory(Directory.GetFiles(Path.Combine(dir.File("work"), "artifacts"), "Pinset.Cli.any.*.nupkg").Single(), dir.File("any"));
        return Directory.GetFiles(dir.File("any"), "Pinset.Cli.dll", SearchOption.AllDirectories).Single();
    }

    private static async Task Must(Task<(int Exit, string Out, string Error)> run, string what)
    {
        var (exit, output, error) = await run;
        if (exit != 0)
        {
            throw new InvalidOperationException($"{what} failed:\n{output}{error}");
        }
    }

    private static string Cpu() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

    private static string Describe(ExternalTool tool, params string[] arguments) => tool.RunAsync(arguments).GetAwaiter().GetResult().Out.Trim();
}
