namespace Pinset.Extensions;

/// <summary>What one bundle refresh did (<see cref="CertificatePinning.RefreshBundleAsync"/>).</summary>
/// <param name="Outcome">Applied, unchanged, refused or failed.</param>
/// <param name="Version">The version in force afterwards, if any bundle is.</param>
/// <param name="Refusal">Why the fetched bundle was refused, when it was.</param>
/// <param name="Message">A sentence saying what happened.</param>
public sealed record PinBundleRefreshResult(PinBundleRefreshOutcome Outcome, long? Version, PinBundleRefusal? Refusal, string Message);

/// <summary>The outcome of a bundle refresh.</summary>
public enum PinBundleRefreshOutcome
{
    /// <summary>A newer bundle verified, was recorded, and is in force for new connections.</summary>
    Applied,

    /// <summary>The server had nothing new (304, or the version in force again).</summary>
    Unchanged,

    /// <summary>The fetched bundle was refused (see <see cref="PinBundleRefreshResult.Refusal"/>); the policy in force did not change.</summary>
    Refused,

    /// <summary>Nothing could be fetched (network, HTTP status, timeout, redirect to http); the policy in force did not change.</summary>
    Failed,

    /// <summary>No bundle URL is configured.</summary>
    Disabled,
}
