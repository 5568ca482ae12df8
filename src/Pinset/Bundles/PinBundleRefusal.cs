namespace Pinset;

/// <summary>Why a pin bundle was refused. Every refusal leaves the policy in force unchanged.</summary>
public enum PinBundleRefusal
{
    /// <summary>Larger than <see cref="PinBundle.MaxLength"/>.</summary>
    TooLarge,

    /// <summary>Not a JWS in compact serialization with a JSON header and payload of the bundle's shape.</summary>
    Malformed,

    /// <summary>The header's <c>alg</c> is not <c>ES256</c> (<c>none</c>, <c>HS256</c>...) or its <c>typ</c> is not <c>pinset-bundle</c>.</summary>
    UnsupportedAlgorithm,

    /// <summary>The header's <c>kid</c> names no trusted key.</summary>
    UnknownKey,

    /// <summary>The signature does not verify with the trusted key its <c>kid</c> names.</summary>
    BadSignature,

    /// <summary>The payload's <c>pinning</c> is not a policy that loads.</summary>
    InvalidPolicy,

    /// <summary>Issued in the future, beyond the allowed clock skew.</summary>
    NotYetValid,

    /// <summary>Past its <c>expires</c>.</summary>
    Expired,

    /// <summary>A lower version than one already accepted: a rollback.</summary>
    Rollback,

    /// <summary>The version already accepted, with other content.</summary>
    ConflictingVersion,
}
