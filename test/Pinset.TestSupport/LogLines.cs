namespace Pinset.TestSupport;

/// <summary>
/// The lines a running tunnel has logged, as they come: a test awaits the line an event writes instead of waiting on
/// time. Fed by a process's standard error (the tool's tests' <c>TunnelProcess</c>), by an in-process console's writer
/// (<c>InProcessTunnel</c>) or by a logger (the library's tests).
/// </summary>
public sealed class LogLines
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _awaited = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the log has ended (the process's standard error closed, the command returned).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Everything logged so far.</summary>
    public string Text
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>The lines logged so far, for a test that reads them all.</summary>
    public List<string> Snapshot()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var waiter in _awaited.Where(w => w.Match(line)).ToList())
            {
                waiter.Seen.TrySetResult(line);
                _awaited.Remove(waiter);
            }
        }
    }

    public void Close() => _closed.TrySetResult();

    /// <summary>Completes with the first line logged (before or after this call) that contains <paramref name="text"/>.</summary>
    public Task<string> WaitForAsync(string text) => WaitForAsync(l => l.Contains(text, StringComparison.Ordinal), text);

    /// <summary>Completes when <paramref name="count"/> lines containing <paramref name="text"/> have been logged.</summary>
    public Task<string> WaitForCountAsync(string text, int count)
    {
        int seen = 0;
        return WaitForAsync(l => l.Contains(text, StringComparison.Ordinal) && ++seen == count, $"{count} x {text}");
    }

    /// <summary>Completes with the first line that matches; fails with the whole log if none does within a minute or the log ends first.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, string what)
    {
        TaskCompletionSource<string> seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            foreach (var line in _lines)
            {
                if (match(line))
                {
                    return line;
                }
            }

            _awaited.Add((match, seen));
        }

        Task ended;
        try
        {
            ended = await Task.WhenAny(seen.Task, _closed.Task).WaitAsync(Limit).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The tunnel did not log '{what}' within {Limit.TotalSeconds:0} seconds; its log:\n{Text}", ex);
        }

        return ended == seen.Task ? await seen.Task : throw new InvalidOperationException($"The tunnel ended before logging '{what}'; its log:\n{Text}");
    }
}
