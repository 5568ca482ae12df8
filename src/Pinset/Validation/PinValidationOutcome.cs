namespace Pinset;

/// <summary>The verdict of a pin validation. The first four let the connection through; the rest refuse it.</summary>
public enum PinValidationOutcome
{
    /// <summary>The platform validated the chain and a pin of the host's policy is in it.</summary>
    PinMatched,

    /// <summary>No policy matches the host, and unpinned hosts are allowed; the platform validated the chain.</summary>
    NoPolicy,

    /// <summary>The host's policy has expired and is no longer enforced (allowed, flagged); the platform validated the chain.</summary>
    PolicyExpired,

    /// <summary>The chain does not satisfy a report-only policy (allowed, flagged); the platform validated the chain.</summary>
    ReportOnlyMismatch,

    /// <summary>Refused: no certificate of the validated chain matches the host's pins.</summary>
    PinMismatch,

    /// <summary>Refused: a certificate of the validated chain has a banned pin.</summary>
    BannedPin,

    /// <summary>Refused: the platform did not validate the chain (untrusted root, expired, wrong host, missing intermediate); pins are not consulted.</summary>
    PlatformValidationFailed,

    /// <summary>Refused: no policy matches the host and unpinned hosts are refused, or the host name could not be read.</summary>
    UnpinnedHostRefused,

    /// <summary>Refused: validation itself failed (an exception in Pinset or in an observer); the connection is refused to fail closed.</summary>
    ValidationError,
}
