using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Pinset.TestSupport;
using static Pinset.Benchmarks.Quantiles;

namespace Pinset.Benchmarks;

/// <summary>
/// <c>startup [--quick] [--pinset PATH]</c>: <c>pinset pin FILE</c> on one certificate from a cold process, against
/// <c>openssl x509 -pubkey -noout -in FILE</c>, the baseline. Every round runs each command as a fresh process, in a
/// shuffled order: openssl; the native pinset that <c>eng/publish-cli.sh</c> makes (or the one at PATH); the tool as
/// its package installs it (<c>dotnet Pinset.Cli.dll</c>, framework-dependent, unpacked from what <c>dotnet pack</c>
/// makes). Three more explain the numbers: openssl with an empty trust store (it loads the system's first, even for
/// <c>-pubkey</c>), the native <c>pinset --version</c> (its start-up without the pin), and <c>true</c> (what starting
/// any process costs here). A time is the wall clock from starting the process to its exit, its output read through
/// pipes, as a shell pipeline times it. Reported: each command's median and quartiles, and its ratio to openssl: of the
/// medians, and the median (quartiles) of each round's own ratio, so drift in the machine falls on both sides of a
/// ratio alike. The goal for the native pinset is at most 1.5. BenchmarkDotNet is not used: it runs one benchmark's
/// iterations to their end before the next, so the commands could not be interleaved.
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

    public static async Task<int> RunAsync(bool quick, string? pinsetPath)
    {
        int rounds = quick ? 30 : 300;
        using var pki = new TestPki();
        using var dir = new TempDirectory();
        string certificate = dir.File("leaf.pem");
        await File.WriteAllTextAsync(certificate, pki.Leaf.ExportCertificatePem() + "\n");

        var native = pinsetPath is null ? await NativePinset.PublishAsync(dir.File("native")) : NativePinset.At(pinsetPath);
        string tool = await UnpackToolAsync(dir);
        var commands = new (string Name, Func<Process> Start)[]
        {
            ("openssl x509 -pubkey -noout -in FILE", () => ExternalTool.OpenSsl.Start(["x509", "-pubkey", "-noout", "-in", certificate])),
            ("pinset pin FILE (native AOT)", () => native.Start(["pin", certificate])),
            ("dotnet Pinset.Cli.dll pin FILE (tool package)", () => Dotnet.Start([tool, "pin", certificate])),
            ("openssl x509 -pubkey -noout -in FILE, SSL_CERT_FILE=/dev/null", () => ExternalTool.OpenSsl.Start(["x509", "-pubkey", "-noout", "-in", certificate], environment: NoTrustStore)),
            ("pinset --version (native AOT: its start-up alone)", () => native.Start(["--version"])),
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

        Print(commands.Select(c => c.Name).ToList(), samples, rounds, native, quick);
        return 0;
    }

    private static void Print(List<string> names, List<double>[] samples, int rounds, NativePinset native, bool quick)
    {
        Console.WriteLine($"Start-up of the pinset tool: {rounds} rounds{(quick ? " (quick)" : string.Empty)}, each command a fresh process, interleaved in a shuffled order; {Environment.ProcessorCount} cores, {Cpu()}, .NET {Environment.Version}, {Describe(ExternalTool.OpenSsl, "version")}");
        if (native.PublishTime > TimeSpan.Zero)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eng/publish-cli.sh took {native.PublishTime.TotalSeconds:F0} s; the executable is {new FileInfo(native.Path).Length / 1048576.0:F1} MiB."));
        }

        Console.WriteLine("| command | median | quartiles | ratio of medians to openssl | per-round ratio to openssl (quartiles) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var baseline = samples[0];
        for (int i = 0; i < names.Count; i++)
        {
            var ratios = samples[i].Zip(baseline, (time, openssl) => time / openssl).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {names[i]} | {Median(samples[i]):F1} ms | {Quantile(samples[i], 0.25):F1} to {Quantile(samples[i], 0.75):F1} ms | {Median(samples[i]) / Median(baseline):F2} | {Median(ratios):F2} ({Quantile(ratios, 0.25):F2} to {Quantile(ratios, 0.75):F2}) |"));
        }

        double nativeRatio = Median(samples[1]) / Median(baseline);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Goal, the native pinset at most {Goal:F1}x openssl: {(nativeRatio <= Goal ? "met" : "NOT met")} ({nativeRatio:F2}x)."));
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

    /// <summary>Packs the tool as <c>dotnet tool install</c> gets it, unpacks it, and returns its Pinset.Cli.dll.</summary>
    private static async Task<string> UnpackToolAsync(TempDirectory dir)
    {
        var (exit, output, error) = await Dotnet.RunAsync(["pack", Repository.File("src", "Pinset.Cli"), "-c", "Release", "-o", dir.File("package"), "--nologo", "-v", "quiet"]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"Packing the tool failed:\n{output}{error}");
        }

        ZipFile.ExtractToDirectory(Directory.GetFiles(dir.File("package"), "Pinset.Cli.*.nupkg").Single(), dir.File("tool"));
        return Directory.GetFiles(dir.File("tool"), "Pinset.Cli.dll", SearchOption.AllDirectories).Single();
    }

    private static string Cpu() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

    private static string Describe(ExternalTool tool, params string[] arguments) => tool.RunAsync(arguments).GetAwaiter().GetResult().Out.Trim();
}
