namespace Pinset;

/// <summary>
/// The pinning configuration document, as written in a policy file or an <c>appsettings.json</c> section named
/// <c>pinning</c>. It is the mutable edge: <see cref="PinningPolicy.Create(PinningConfiguration)"/> validates it and
/// builds the immutable policy that connections use.
/// </summary>
public sealed record PinningConfiguration
{
    /// <summary>The policies, each a set of host patterns with their pins. At least one is required.</summary>
    public IList<HostPolicyConfiguration> Policies { get; init; } = [];

    /// <summary>
    /// When true, a connection to a host that no policy matches is refused instead of passing unpinned.
    /// Default: false.
    /// </summary>
    public bool RequirePinnedHosts { get; init; }
}
