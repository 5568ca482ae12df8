namespace Pinset.Formats;

/// <summary>Warnings every writer of another ecosystem's format owes for what none of them can express.</summary>
internal static class FormatWarnings
{
    /// <summary>
    /// <c>requirePinnedHosts</c> has no equivalent in any other format: there, a host no policy names is simply not
    /// pinned, so dropping it silently would turn "refused" into "allowed".
    /// </summary>
    public static void RequirePinnedHosts(PinningConfiguration configuration, List<string> warnings, string target)
    {
        if (configuration.RequirePinnedHosts)
        {
            warnings.Add($"'requirePinnedHosts' is dropped: {target} cannot refuse hosts that no policy names, so there those hosts are not pinned but allowed.");
        }
    }

    /// <summary>
    /// A policy whose expiry has passed pins nothing in the target: TrustKit and Android stop pinning at that date, so a
    /// file carrying a past date looks pinned and is not. Said for each such policy, read or written.
    /// </summary>
    public static void Expired(PinningConfiguration configuration, DateTimeOffset now, List<string> warnings, string target)
    {
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            if (PolicyText.Expiry(configuration.Policies[i]) is { } expires && expires <= now)
            {
                warnings.Add($"pinning.policies[{i}] ('{string.Join("', '", configuration.Policies[i].Hosts)}') expired on {expires.UtcDateTime:yyyy-MM-dd}: {target} does not pin its hosts after that date, so they are not pinned now.");
            }
        }
    }
}
