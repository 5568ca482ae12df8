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

    private PinningConfigurationException(string message, bool verbatim)
        : base(message)
    {
        _ = verbatim;
        Errors = [message];
    }

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<string> Errors { get; } = [];

    /// <summary>
    /// An exception whose message is <paramref name="message"/> as it stands, for a document that is valid in its own
    /// format but gives Pinset nothing to pin: calling it "not valid" would send the reader looking for a mistake.
    /// </summary>
    internal static PinningConfigurationException Verbatim(string message) => new(message, verbatim: true);

    private static string Describe(IReadOnlyList<string> errors) => errors.Count == 1
        ? $"The pinning configuration is not valid: {errors[0]}"
        : $"The pinning configuration has {errors.Count} errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  - " + e));
}
