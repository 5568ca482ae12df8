namespace Pinset;

/// <summary>
/// A pinning configuration was refused. <see cref="Errors"/> lists every problem found, each naming the policy
/// and quoting the value; the message lists them all.
/// </summary>
public sealed class PinningConfigurationException : PinsetFormatException
{
    /// <summary>Creates the exception from the problems found.</summary>
    public PinningConfigurationException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a single problem.</summary>
    public PinningConfigurationException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a single problem and its cause.</summary>
    public PinningConfigurationException(string message, Exception? innerException)
        : base(Describe([message]), innerException)
    {
        Errors = [message];
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public PinningConfigurationException()
        : this("The pinning configuration is not valid.")
    {
    }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    private static string Describe(IReadOnlyList<string> errors) => errors.Count == 1
        ? $"The pinning configuration is not valid: {errors[0]}"
        : $"The pinning configuration has {errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  - " + e));
}
