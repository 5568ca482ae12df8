using Microsoft.Extensions.Time.Testing;

namespace Pinset.Extensions.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells a test when a timer is started, so the test advances the clock only once
/// the code under test waits on it (a retry's backoff, a timeout): awaited signals instead of sleeps.
/// </summary>
internal sealed class WatchedTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero))
{
    private readonly List<TimeSpan> _started = [];
    private readonly List<(Func<TimeSpan, bool> Match, int Count, TaskCompletionSource<TimeSpan> Signal)> _waiters = [];

    /// <summary>The due time of every timer started so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Started
    {
        get
        {
            lock (_started)
            {
                return [.. _started];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Record(dueTime);
        return timer;
    }

    private void Record(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        lock (_started)
        {
            _started.Add(dueTime);
            foreach (var waiter in _waiters.ToList())
            {
                var matching = _started.Where(waiter.Match).ToList();
                if (matching.Count >= waiter.Count)
                {
                    waiter.Signal.TrySetResult(matching[waiter.Count - 1]);
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    /// <summary>Completes with the due time of the <paramref name="count"/>th started timer that matches; fails the test after 30 seconds.</summary>
    public Task<TimeSpan> WaitForTimerAsync(Func<TimeSpan, bool> match, int count = 1)
    {
        lock (_started)
        {
            var matching = _started.Where(match).ToList();
            if (matching.Count >= count)
            {
                return Task.FromResult(matching[count - 1]);
            }

            var signal = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Records a timer started later with <see cref="ITimer.Change"/>, as a CancellationTokenSource's CancelAfter does.</summary>
    private sealed class WatchedTimer(ITimer inner, WatchedTimeProvider clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Record(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
