namespace Pinset.Formats;

/// <summary>
/// What every format owes its callers, kept in one place so no format can forget it: text is read without a leading
/// byte order mark (editors on Windows write one); a configuration read is one Pinset loads, but for the backup-pin rule,
/// which other ecosystems do not have and which is a warning so the user has something to add the backup pin to; and a
/// configuration Pinset would refuse is never written.
/// </summary>
internal abstract class PolicyFormatBase : IPolicyFormat
{
    public abstract string Name { get; }

    public virtual bool CanRead => true;

    /// <summary>
    /// The other ecosystem's format as a warning names it ("Android's network security config"); null for Pinset's own
    /// JSON, which holds everything. Every other format leaves out certificate pins and <c>requirePinnedHosts</c>.
    /// </summary>
    protected virtual string? TargetName => null;

    public abstract bool Recognizes(string text);

    public PolicyFormatResult<PinningConfiguration> Read(string text, PolicyFormatContext context)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        var warnings = new List<string>();
        var configuration = ReadCore(text.StartsWith('\uFEFF') ? text[1..] : text, context, warnings);
        warnings.AddRange(Check(configuration));
        return new(configuration, warnings);
    }

    public PolicyFormatResult<string> Write(PinningConfiguration configuration, PolicyFormatContext context)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(context);
        var backup = Check(configuration);
        var warnings = new List<string>();
        if (TargetName is { } target)
        {
            CheckKeyPinsRemain(configuration, warnings);
            FormatWarnings.RequirePinnedHosts(configuration, warnings, target);
        }

        var text = WriteCore(configuration, context, warnings);
        if (context.WarnOfMissingBackupPin)
        {
            warnings.AddRange(backup);
        }

        return new(text, warnings);
    }

    /// <summary>The configuration in the source text, with a warning for each thing in it Pinset cannot express.</summary>
    protected abstract PinningConfiguration ReadCore(string text, PolicyFormatContext context, List<string> warnings);

    /// <summary>The configuration in this format (already known to load), with a warning for each thing the format cannot express.</summary>
    protected abstract string WriteCore(PinningConfiguration configuration, PolicyFormatContext context, List<string> warnings);

    /// <summary>
    /// For a format without certificate pins: a policy pinned by certificates alone would be written pinning nothing
    /// (its hosts unpinned in the target), so it is refused; one left with a single key pin is a warning (no backup).
    /// </summary>
    private void CheckKeyPinsRemain(PinningConfiguration configuration, List<string> warnings)
    {
        for (int i = 0; i < configuration.Policies.Count; i++)
        {
            var policy = configuration.Policies[i];
            int keys = policy.Pins.Distinct(StringComparer.Ordinal).Count();
            if (policy.Certificates.Count == 0 || keys > 1)
            {
                continue;
            }

            if (keys == 0)
            {
                throw new PinsetFormatException(
                    $"pinning.policies[{i}] ('{string.Join("', '", policy.Hosts)}') is pinned by certificates alone, and {Name} has no certificate pins: written without them, its hosts would not be pinned at all. Pin the keys instead ('pinset pin HOST' prints them).");
            }

            warnings.Add($"pinning.policies[{i}]: with its certificate pins left out, {Name} keeps one pin and no backup, so the next key change locks clients out (and browsers refuse an HPKP header like it). Add a backup key pin ('pinset backup-key' makes one).");
        }
    }

    /// <summary>Refuses a configuration Pinset would not load, listing every error; the backup-pin rule comes back as warnings.</summary>
    /// <exception cref="PinningConfigurationException">The configuration has errors other than a missing backup pin.</exception>
    private static IEnumerable<string> Check(PinningConfiguration configuration)
    {
        var backup = new List<string>();
        PinningPolicy.CreateWaivingBackupRule(configuration, backup);
        return backup.Select(rule => $"Pinset refuses to load this policy until a backup pin is added: {rule}");
    }
}
