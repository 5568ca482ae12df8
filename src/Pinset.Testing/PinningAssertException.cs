namespace Pinset.Testing;

/// <summary>
/// A <see cref="PinningAssert"/> check failed. Any test framework reports it as a failed test; the message names the
/// client, the host, what was accepted or refused and what the interceptor or the genuine server saw.
/// </summary>
public sealed class PinningAssertException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public PinningAssertException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and the client's own exception.</summary>
    public PinningAssertException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public PinningAssertException()
        : base("A pinning assertion failed.")
    {
    }
}
