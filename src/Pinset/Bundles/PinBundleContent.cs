namespace Pinset;

/// <summary>
/// What a pin bundle says, read but NOT verified (<see cref="PinBundle.Inspect"/>): for review before publishing and for
/// diagnosis. Nothing here may be trusted or applied; <see cref="PinBundle.Verify"/> is the only way to a bundle that is.
/// </summary>
/// <param name="HeaderJson">The protected header, as signed.</param>
/// <param name="PayloadJson">The payload, as signed.</param>
/// <param name="KeyId">The header's <c>kid</c>: the pin of the key that claims to have signed it.</param>
/// <param name="Version">The publisher's version, strictly increasing.</param>
/// <param name="IssuedAt">When it was signed, as it says.</param>
/// <param name="Expires">When it stops applying.</param>
/// <param name="Configuration">The pinning configuration it carries.</param>
/// <param name="ContentHash">SHA-256 of the payload, base64: two bundles of one version must have the same.</param>
public sealed record PinBundleContent(
    string HeaderJson,
    string PayloadJson,
    SpkiPin KeyId,
    long Version,
    DateTimeOffset IssuedAt,
    DateTimeOffset Expires,
    PinningConfiguration Configuration,
    string ContentHash);
