using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>
/// The real tools the interoperability and attack tests drive (openssl, curl, nginx, mitmproxy), each named with the
/// Debian package that provides it. A missing tool fails the test with that name; only a local run that sets
/// <see cref="SkipSwitch"/> to 1 may skip instead (see <see cref="RequiresToolsFactAttribute"/>). CI never sets it.
/// </summary>
public sealed record ExternalTool(string Command, string DebianPackage)
{
    /// <summary>The environment switch that lets a local run skip tests whose tool is not installed.</summary>
    public const string SkipSwitch = "PINSET_SKIP_MISSING_TOOLS";

    public static ExternalTool OpenSsl { get; } = new("openssl", "openssl");

    public static ExternalTool Curl { get; } = new("curl", "curl");

    public static ExternalTool Nginx { get; } = new("nginx", "nginx-light");

    public static ExternalTool Mitmdump { get; } = new("mitmdump", "mitmproxy");

    /// <summary>Every tool the test suites drive.</summary>
    public static IReadOnlyList<ExternalTool> All { get; } = [OpenSsl, Curl, Nginx, Mitmdump];

    /// <summary>True when the command is on PATH (or, for nginx, in /usr/sbin, where Debian puts it).</summary>
    public bool IsInstalled => Locate() is not null;

    /// <summary>Starts the tool with redirected output; throws naming the Debian package when it is not installed.</summary>
    public Process Start(IEnumerable<string> arguments, string? workingDirectory = null, bool redirectInput = false)
    {
        var path = Locate() ?? throw Missing();
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw Missing();
    }

    /// <summary>Runs the tool to its end; returns its exit code, standard output and standard error.</summary>
    public async Task<(int Exit, string Out, string Error)> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        using var process = Start(arguments, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private InvalidOperationException Missing() => new(
        $"'{Command}' is not installed; install Debian's '{DebianPackage}' package (.ci/run does: apt-get install -y {DebianPackage}). " +
        $"For a local run without it, set {SkipSwitch}=1 to skip the tests that need it.");

    private string? Locate()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin"]);
        return directories.Select(d => Path.Combine(d, Command)).FirstOrDefault(File.Exists);
    }
}
