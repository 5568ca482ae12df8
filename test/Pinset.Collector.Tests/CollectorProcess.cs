using System.Text.RegularExpressions;

namespace Pinset.Collector.Tests;

/// <summary>
/// The collector as its own process (<c>dotnet Pinset.Collector.dll</c> from the build output beside the tests), started
/// as a user starts it, under the watchdog so it cannot outlive the test run.
/// </summary>
internal sealed partial class CollectorProcess : IAsyncDisposable
{
    private readonly ToolServerProcess _server;
    private readonly OutputWaiters _waiters;

    private CollectorProcess(ToolServerProcess server, OutputWaiters waiters, Uri baseAddress)
    {
        _server = server;
        _waiters = waiters;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output => _server.Output;

    /// <summary>The collector's own process id (the watchdog's child).</summary>
    public int CollectorProcessId => ProcessTree.Children(_server.ProcessId).Single(c => c.Command != "tail").Id;

    public Task Exited => _server.Exited;

    /// <summary>
    /// Starts <c>dotnet Pinset.Collector.dll</c> on a free loopback port; from <paramref name="workingDirectory"/> when
    /// given (bash changes into it and then becomes the collector, so the process is still the collector's own); the
    /// build the tests reference, or the app published into <paramref name="appDirectory"/>.
    /// </summary>
    public static async Task<CollectorProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, string? appDirectory = null)
    {
        var dotnet = DotnetBuild.Sdk;
        string[] collector = [Path.Combine(appDirectory ?? AppContext.BaseDirectory, "Pinset.Collector.dll"), "--urls", "http://127.0.0.1:0", .. arguments];
        var (tool, toolArguments) = workingDirectory is null
            ? (dotnet, collector)
            : (ExternalTool.Named("bash"), ["-c", "cd \"$0\" && exec \"$@\"", workingDirectory, dotnet.Path, .. collector]);
        Uri? address = null;
        var waiters = new OutputWaiters();
        var server = await ToolServerProcess.StartAsync(
            tool,
            toolArguments,
            // Ready at the host's last start-up line, which follows Kestrel's "Now listening on".
            isReady: line =>
            {
                var match = Listening().Match(line);
                if (match.Success)
                {
                    address = new Uri(match.Groups[1].Value);
                }

                return address is not null && line.Contains("Content root path:", StringComparison.Ordinal);
            },
            isFatal: line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal),
            onLine: waiters.OnLine,
            environment: environment);
        waiters.Output = () => server.Output;
        return new CollectorProcess(server, waiters, address!);
    }

    /// <summary>Completes when the collector has printed a line holding <paramref name="text"/> (at once if it already has).</summary>
    public Task WaitForOutputAsync(string text) => _waiters.WaitAsync(text).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>kill -9 of the collector: no shutdown, no flush, nothing disposed.</summary>
    public async Task KillAsync()
    {
        using (var collector = System.Diagnostics.Process.GetProcessById(CollectorProcessId))
        {
            collector.Kill();
        }

        await Exited.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    /// <summary>Waits for output lines; each line is checked against the waiters under the same lock a new waiter checks the output so far.</summary>
    private sealed class OutputWaiters
    {
        private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

        public Func<string> Output { get; set; } = () => string.Empty;

        public void OnLine(string line)
        {
            lock (_waiters)
            {
                foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
                {
                    waiter.Seen.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        public Task WaitAsync(string text)
        {
            lock (_waiters)
            {
                if (Output().Contains(text, StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }

                var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((text, seen));
                return seen.Task;
            }
        }
    }
}
