using System.Diagnostics;
using System.Text;

namespace Pinset.TestSupport;

/// <summary>
/// A long-running real tool (openssl s_server, nginx, mitmdump) with its output captured line by line. Starting it
/// completes when a line says it is ready; it fails with the tool's output if the tool exits first, prints a fatal line,
/// or is not ready in time. Disposing kills the process tree and waits for it; if the test run ends without disposing
/// (cancelled, crashed), the watchdog the tool runs under kills it and removes its directory.
/// </summary>
public sealed class ToolServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool> _isReady;
    private readonly Func<string, bool> _isFatal;
    private readonly Action<string>? _onLine;

    private ToolServerProcess(ExternalTool tool, IEnumerable<string> arguments, Func<string, bool> isReady, Func<string, bool>? isFatal, Action<string>? onLine, string? cleanupDirectory, int? watchedProcessId, IReadOnlyDictionary<string, string>? environment)
    {
        _isReady = isReady;
        _isFatal = isFatal ?? (_ => false);
        _onLine = onLine;
        _process = tool.StartWatched(arguments, cleanupDirectory, watchedProcessId, environment);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The watchdog's process id; the tool runs as its child (see <see cref="ExternalTool.StartWatched"/>).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Completes when the watchdog, and so the tool, has ended.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Everything the tool printed so far, both streams.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="tool"/> and waits until a line satisfies <paramref name="isReady"/>. Every line also goes
    /// to <paramref name="onLine"/>, for servers that signal events through their output.
    /// </summary>
    public static async Task<ToolServerProcess> StartAsync(
        ExternalTool tool,
        IEnumerable<string> arguments,
        Func<string, bool> isReady,
        Func<string, bool>? isFatal = null,
        Action<string>? onLine = null,
        TimeSpan? limit = null,
        string? cleanupDirectory = null,
        int? watchedProcessId = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var server = new ToolServerProcess(tool, arguments, isReady, isFatal, onLine, cleanupDirectory, watchedProcessId, environment);
        try
        {
            await server._ready.Task.WaitAsync(limit ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return server;
        }
        catch (TimeoutException ex)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"'{tool.Command}' was not ready in time; its output: {server.Output}", ex);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"The tool exited before it was ready; its output: {Output}"));
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _onLine?.Invoke(line);
        if (_isFatal(line))
        {
            _ready.TrySetException(new InvalidOperationException($"The tool failed to start: {line}"));
        }
        else if (_isReady(line))
        {
            _ready.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
