namespace Pinset;

/// <summary>A pin bundle that was refused, with why (<see cref="Reason"/>) and a sentence that says what was wrong.</summary>
public sealed class PinBundleException : PinsetFormatException
{
    /// <summary>A refusal for <paramref name="reason"/>.</summary>
    public PinBundleException(PinBundleRefusal reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    /// <summary>Why the bundle was refused.</summary>
    public PinBundleRefusal Reason { get; }
}
