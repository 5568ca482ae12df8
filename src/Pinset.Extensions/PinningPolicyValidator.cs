using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// Refuses a pinning configuration with errors when the options are first built (with <c>ValidateOnStart</c>, the host
/// refuses to start, and the log lists every error). Once a good policy is in force, a bad reload is not an options
/// failure, which would throw on the configuration's reload thread: <see cref="PinningPolicySource"/> logs it and keeps
/// the last good policy.
/// </summary>
internal sealed class PinningPolicyValidator(PinningPolicyHolder holder, ILoggerFactory? loggers = null) : IValidateOptions<PinningOptions>
{
    private readonly ILogger _log = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Pinset");

    public ValidateOptionsResult Validate(string? name, PinningOptions options)
    {
        var reporting = (options.Reporting ?? new PinningReportOptions()).Problems().ToList();
        if (reporting.Count > 0)
        {
            return ValidateOptionsResult.Fail(reporting);
        }

        if (holder.Current is not null)
        {
            return ValidateOptionsResult.Success;
        }

        try
        {
            holder.Set(PinningPolicyHolder.Build(options));
            return ValidateOptionsResult.Success;
        }
        catch (PinningConfigurationException ex)
        {
            PinningLog.ConfigurationRefused(_log, ex.Errors.Count, string.Join(Environment.NewLine, ex.Errors.Select(e => "  - " + e)));
            return ValidateOptionsResult.Fail(ex.Errors);
        }
    }
}
