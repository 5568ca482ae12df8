namespace Pinset;

/// <summary>
/// The pinning configuration document, as written in a policy file or an <c>appsettings.json</c> section named
/// <c>pinning</c>. It is the mutable edge: <see cref="PinningPolicy.Create(PinningConfiguration)"/> validates it and
/// builds the immutable policy that connections use.
/// </summary>
public sealed record PinningConfiguration
{
    /// <summary>The policies, each a set of host patterns with their pins. At least one is required.</summary>
    public IReadOnlyList<HostPolicyConfiguration> Policies { get; init => field = HostPolicyConfiguration.Copy(value); } = [];

    /// <summary>
    /// When true, a connection to a host that no policy matches is refused instead of passing unpinned.
    /// Default: false.
    /// </summary>
    public bool RequirePinnedHosts { get; init; }

    /// <summary>Equal when the policies are equal in order and <see cref="RequirePinnedHosts"/> is the same: a reload that changes nothing is no change.</summary>
    public bool Equals(PinningConfiguration? other) =>
        other is not null && RequirePinnedHosts == other.RequirePinnedHosts && Policies.SequenceEqual(other.Policies);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(RequirePinnedHosts);
        foreach (var policy in Policies)
        {
            hash.Add(policy);
        }

        return hash.ToHashCode();
    }
}
