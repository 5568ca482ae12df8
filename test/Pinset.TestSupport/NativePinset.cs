using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>
/// The native pinset executable as <c>eng/publish-cli.sh</c> makes it (native AOT, one file), published into a
/// directory and run as a user's shell runs it: by the tests that hold it to the in-process CLI, and by the start-up
/// benchmark.
/// </summary>
public sealed class NativePinset
{
    /// <summary>
    /// The proxy variables pinset reads, removed from its environment: a test's connections go straight to its loopback
    /// servers, as the in-process CLI's do (it reads no environment).
    /// </summary>
    private static readonly Dictionary<string, string?> NoProxy = new[] { "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY" }
        .ToDictionary(name => name, _ => (string?)null);

    private readonly ExternalTool _executable;

    private NativePinset(string path, TimeSpan publishTime)
    {
        Path = path;
        PublishTime = publishTime;
        _executable = new ExternalTool(path, "eng/publish-cli.sh's output");
    }

    /// <summary>The executable.</summary>
    public string Path { get; }

    /// <summary>How long <c>eng/publish-cli.sh</c> took to make it.</summary>
    public TimeSpan PublishTime { get; }

    /// <summary>
    /// Runs <c>eng/publish-cli.sh</c> into <paramref name="directory"/>. Throws with the script's output when it fails;
    /// a missing C toolchain is named there with its Debian package.
    /// </summary>
    public static async Task<NativePinset> PublishAsync(string directory)
    {
        long started = Stopwatch.GetTimestamp();
        var bash = ExternalTool.Named("bash");
        var (exit, output, error) = await bash.RunAsync([Repository.File("eng", "publish-cli.sh"), directory], Repository.Root, DotnetBuild.CleanEnvironment()).ConfigureAwait(false);
        return exit == 0
            ? new NativePinset(System.IO.Path.Combine(directory, "pinset"), Stopwatch.GetElapsedTime(started))
            : throw new InvalidOperationException($"eng/publish-cli.sh exited {exit}:{Environment.NewLine}{output}{error}");
    }

    /// <summary>An executable published before, by the script or by hand.</summary>
    public static NativePinset At(string path) => File.Exists(path)
        ? new NativePinset(System.IO.Path.GetFullPath(path), TimeSpan.Zero)
        : throw new FileNotFoundException($"There is no pinset executable at '{path}'; make one with eng/publish-cli.sh OUT_DIR.", path);

    /// <summary>Starts pinset with redirected output, for a test that signals it.</summary>
    public Process Start(IEnumerable<string> arguments) => _executable.Start(arguments, environment: NoProxy);

    /// <summary>Runs pinset to its end.</summary>
    public Task<(int Exit, string Out, string Error)> RunAsync(params string[] arguments) => _executable.RunAsync(arguments, environment: NoProxy);

}
