namespace Pinset.Extensions;

/// <summary>The last good policy. Holds no dependencies, so the validator and the reloading source can share it.</summary>
internal sealed class PinningPolicyHolder
{
    private PinningPolicy? _current;

    public PinningPolicy? Current => Volatile.Read(ref _current);

    public void Set(PinningPolicy policy) => Volatile.Write(ref _current, policy);

    /// <summary>Builds the policy of <paramref name="options"/>, with the configuration section's own errors first.</summary>
    public static PinningPolicy Build(PinningOptions options)
    {
        var errors = new List<string>(options.ConfigurationErrors);
        try
        {
            var policy = PinningPolicy.Create(options.Configuration ?? new PinningConfiguration());
            return errors.Count == 0 ? policy : throw new PinningConfigurationException(errors);
        }
        catch (PinningConfigurationException ex) when (errors.Count > 0)
        {
            throw new PinningConfigurationException([.. errors, .. ex.Errors]);
        }
    }
}
