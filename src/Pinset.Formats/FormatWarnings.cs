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
}
