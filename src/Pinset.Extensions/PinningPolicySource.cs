using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// The policy in force, swapped when the configuration changes: new connections use a good new policy at once; a bad
/// one is logged with every error and the last good policy stays.
/// </summary>
internal sealed class PinningPolicySource : IDisposable
{
    private readonly PinningPolicyHolder _holder;
    private readonly ILogger _log;
    private readonly IDisposable? _subscription;

    public PinningPolicySource(IOptionsMonitor<PinningOptions> monitor, PinningPolicyHolder holder, ILoggerFactory? loggers = null)
    {
        _holder = holder;
        _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");
        Options = monitor.CurrentValue;
        if (_holder.Current is null)
        {
            _holder.Set(PinningPolicyHolder.Build(Options));
        }

        _subscription = monitor.OnChange(Reload);
    }

    /// <summary>The options as first built; trust roots and observers are not reloaded.</summary>
    public PinningOptions Options { get; }

    public PinningPolicy Current => _holder.Current ?? throw new InvalidOperationException("No pinning policy is in force; the configuration was refused at start-up.");

    private void Reload(PinningOptions options, string? name)
    {
        try
        {
            var policy = PinningPolicyHolder.Build(options);
            _holder.Set(policy);
            PinningLog.ReloadApplied(_log, policy.Policies.Count);
        }
        catch (PinningConfigurationException ex)
        {
            PinningLog.ReloadRejected(_log, ex.Errors.Count, string.Join(Environment.NewLine, ex.Errors.Select(e => "  - " + e)));
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
