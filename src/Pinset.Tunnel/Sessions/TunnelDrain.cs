namespace Pinset.Tunnel;

/// <summary>The end of a tunnel: the sessions still open may finish for up to the drain timeout; then those left are cut.</summary>
internal static class TunnelDrain
{
    public static async Task DrainAsync(Task[] open, CancellationTokenSource abort, TimeSpan drainTimeout, TunnelContext context, CancellationToken cancellationToken)
    {
        var log = context.Log;
        if (open.Length == 0)
        {
            TunnelLog.StoppedIdle(log);
            return;
        }

        // The drain's timer is set before the event is logged: whoever reads 'stopping' may move a test clock past it.
        var drained = Task.WhenAll(open).WaitAsync(drainTimeout, context.Time, cancellationToken);
        var bound = DurationText.Describe(drainTimeout);
        TunnelLog.Stopping(log, bound, context.Names.DrainTimeout, Plural.Count(open.Length, "open session"));
        try
        {
            await drained.ConfigureAwait(false);
            TunnelLog.StoppedDrained(log);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            int cut = open.Count(t => !t.IsCompleted);
            await abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(open).ConfigureAwait(false);
            TunnelLog.StoppedCut(log, cut == 1 ? "1 session was" : $"{cut} sessions were", bound, context.Names.DrainTimeout, cut == 1 ? "was" : "were");
        }
    }
}
