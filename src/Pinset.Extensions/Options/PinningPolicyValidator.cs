using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>
/// Hands every <see cref="PinningOptions"/> instance the options system builds to the <see cref="PinningPolicyMonitor"/>.
/// The first must build a policy (with <c>ValidateOnStart</c>, the host refuses to start and the log lists every error);
/// a bad reload is not an options failure, which would throw on the configuration's reload thread: the monitor logs it
/// and keeps the last good policy. The report settings are validated here too.
/// </summary>
internal sealed class PinningPolicyValidator(PinningPolicyMonitor monitor) : IValidateOptions<PinningOptions>
{
    public ValidateOptionsResult Validate(string? name, PinningOptions options)
    {
        var problems = new List<string>((options.Reporting ?? new PinningReportOptions()).Problems());
        if (options.CustomTrustRoots is { Count: 0 })
        {
            problems.Add("PinningOptions.CustomTrustRoots is an empty collection, which would trust no root at all; Pinset refuses it rather than fall back to the system store. Add the roots to trust, or leave it null to trust the system store.");
        }

        if (problems.Count > 0)
        {
            return ValidateOptionsResult.Fail(problems);
        }

        var errors = monitor.Accept(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
