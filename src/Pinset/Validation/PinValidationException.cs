using System.Security.Authentication;

namespace Pinset;

/// <summary>
/// A TLS handshake was refused by pinning. It derives from <see cref="AuthenticationException"/>, which is what
/// <c>SslStream</c> throws for a refused handshake, so existing handlers still catch it; <see cref="Result"/> has the
/// details and the message is the failure block. HttpClient wraps it in an <c>HttpRequestException</c>.
/// </summary>
public sealed class PinValidationException : AuthenticationException
{
    /// <summary>Creates the exception for a refusing result.</summary>
    public PinValidationException(PinValidationResult result)
        : base((result ?? throw new ArgumentNullException(nameof(result))).ToString(), result.Exception)
    {
        Result = result;
    }

    /// <summary>The refusing verdict.</summary>
    public PinValidationResult Result { get; }
}
