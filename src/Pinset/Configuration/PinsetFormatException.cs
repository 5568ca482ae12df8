namespace Pinset;

/// <summary>
/// The one exception every Pinset parser of untrusted input throws: pins, fingerprints, host patterns,
/// PEM and DER certificates, keys and signing requests, and policy documents. The message quotes the bad
/// value and says what was expected.
/// </summary>
public class PinsetFormatException : FormatException
{
    /// <summary>Creates the exception with a message that quotes the bad value.</summary>
    public PinsetFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public PinsetFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public PinsetFormatException()
        : base("The input is not in a format Pinset accepts.")
    {
    }
}
