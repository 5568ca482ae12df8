using System.Diagnostics;

namespace Pinset.TestSupport;

/// <summary>
/// The real tools the interoperability and attack tests drive, each named with the Debian package that provides it. The
/// list is <c>eng/test-tools.tsv</c>, embedded here, which <c>eng/test.sh</c> also reads to install what is missing: a
/// tool a test starts cannot be forgotten by the installer. A missing tool fails the test with its package; only a local
/// run that sets <see cref="SkipSwitch"/> to 1 may skip instead (see <see cref="RequiresToolsFactAttribute"/>).
/// </summary>
public sealed record ExternalTool(string Command, string DebianPackage)
{
    /// <summary>The environment switch that lets a local run skip tests whose tool is not installed.</summary>
    public const string SkipSwitch = "PINSET_SKIP_MISSING_TOOLS";

    /// <summary>Every tool the test suites drive, as <c>eng/test-tools.tsv</c> lists them.</summary>
    public static IReadOnlyList<ExternalTool> All { get; } = ReadList();

    public static ExternalTool OpenSsl { get; } = Named("openssl");

    public static ExternalTool Curl { get; } = Named("curl");

    public static ExternalTool Nginx { get; } = Named("nginx");

    public static ExternalTool Mitmdump { get; } = Named("mitmdump");

    /// <summary>The listed tool with this command.</summary>
    /// <exception cref="InvalidOperationException">eng/test-tools.tsv does not list it, so eng/test.sh would not install it.</exception>
    public static ExternalTool Named(string command) => All.SingleOrDefault(t => t.Command == command)
        ?? throw new InvalidOperationException($"'{command}' is not listed in eng/test-tools.tsv; add it with its Debian package, so eng/test.sh installs it.");

    /// <summary>
    /// True when the command is on PATH, or where Debian puts it off PATH: /usr/sbin (nginx) and
    /// /usr/lib/postgresql/&lt;version&gt;/bin (initdb, postgres, pg_ctl; the newest version first).
    /// </summary>
    public bool IsInstalled => Locate() is not null;

    /// <summary>The full path of the command; throws naming the Debian package when it is not installed.</summary>
    public string Path => Locate() ?? throw Missing();

    /// <summary>
    /// Starts the tool with redirected output; throws naming the Debian package when it is not installed. It inherits
    /// this process's environment, changed by <paramref name="environment"/>: a variable is set, or removed when null.
    /// </summary>
    public Process Start(IEnumerable<string> arguments, string? workingDirectory = null, bool redirectInput = false, IReadOnlyDictionary<string, string?>? environment = null)
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

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start) ?? throw Missing();
    }

    /// <summary>
    /// Starts a long-running tool (a server) that cannot outlive the test run: it runs under a small bash watchdog that
    /// kills it, and removes <paramref name="cleanupDirectory"/>, as soon as process <paramref name="watchedProcessId"/>
    /// (by default this test process) ends, even when the run is cancelled or crashes and nothing is disposed. Output
    /// and input pass through unchanged. The watchdog waits on <c>tail --pid</c>, so it wakes only when something ends.
    /// </summary>
    public Process StartWatched(IEnumerable<string> arguments, string? cleanupDirectory = null, int? watchedProcessId = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var path = Locate() ?? throw Missing();
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Watchdog);
        start.ArgumentList.Add("pinset-watchdog");
        start.ArgumentList.Add(path);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PINSET_WATCHED_PID"] = (watchedProcessId ?? Environment.ProcessId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PINSET_CLEANUP_DIR"] = cleanupDirectory ?? string.Empty;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw Missing();
    }

    /// <summary>The watchdog: the tool in the background, and <c>tail --pid</c> waiting for the watched process to end.</summary>
    private const string Watchdog = """
        "$@" <&0 &
        tool=$!
        tail --pid="$PINSET_WATCHED_PID" -f /dev/null >/dev/null 2>&1 </dev/null &
        watcher=$!
        wait -n "$tool" "$watcher"
        status=$?
        if kill -0 "$tool" 2>/dev/null; then
          kill -KILL "$tool" 2>/dev/null
          wait "$tool" 2>/dev/null
          if [ -n "$PINSET_CLEANUP_DIR" ]; then rm -rf "$PINSET_CLEANUP_DIR"; fi
          exit 0
        fi
        kill "$watcher" 2>/dev/null
        exit "$status"
        """;

    /// <summary>
    /// Runs the tool to its end; returns its exit code, standard output and standard error. A run that has not ended
    /// within <paramref name="limit"/> (default 10 minutes) is killed and fails with what it printed, so a regression
    /// that makes a command hang fails the test instead of hanging the suite.
    /// </summary>
    public async Task<(int Exit, string Out, string Error)> RunAsync(IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? limit = null)
    {
        var list = arguments.ToList();
        using var process = Start(list, workingDirectory, environment: environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var bound = limit ?? TimeSpan.FromMinutes(10);
        try
        {
            await process.WaitForExitAsync().WaitAsync(bound).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException($"'{Command} {string.Join(' ', list)}' did not end within {bound.TotalSeconds:0} seconds and was killed.\n--- stdout\n{await output.ConfigureAwait(false)}\n--- stderr\n{await error.ConfigureAwait(false)}", ex);
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    private InvalidOperationException Missing() => new(
        $"'{Command}' is not installed; install Debian's '{DebianPackage}' package (eng/test.sh does: apt-get install -y {DebianPackage}). " +
        $"For a local run without it, set {SkipSwitch}=1 to skip the tests that need it.");

    private string? Locate()
    {
        if (System.IO.Path.IsPathRooted(Command))
        {
            return File.Exists(Command) ? Command : null;
        }

        var postgres = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(d), out int v) ? v : 0).Select(d => System.IO.Path.Combine(d, "bin"))
            : [];
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin"]).Concat(postgres);
        return directories.Select(d => System.IO.Path.Combine(d, Command)).FirstOrDefault(File.Exists);
    }

    private static ExternalTool[] ReadList()
    {
        using var stream = typeof(ExternalTool).Assembly.GetManifestResourceStream("Pinset.TestSupport.test-tools.tsv")
            ?? throw new InvalidOperationException("eng/test-tools.tsv is not embedded in Pinset.TestSupport; the build is broken.");
        using var reader = new StreamReader(stream);
        var tools = new List<ExternalTool>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            tools.Add(fields.Length == 2 ? new ExternalTool(fields[0], fields[1]) : throw new InvalidOperationException($"eng/test-tools.tsv has the line '{line}'; expected a command, a tab and a Debian package."));
        }

        return [.. tools];
    }
}
