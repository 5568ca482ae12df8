using Microsoft.Extensions.Configuration;

namespace Pinset.Extensions;

/// <summary>
/// Reads the pinning document from a configuration section (the <c>pinning</c> section of appsettings.json, environment
/// variables, anything). Keys compare ignoring case, as configuration does. Unknown keys and wrong types are errors,
/// so a typo such as <c>pin</c> for <c>pins</c> cannot silently drop a pin. No reflection: safe for trimming and AOT.
/// </summary>
internal static class PinningConfigurationSection
{
    public static PinningConfiguration Read(IConfiguration section, List<string> errors)
    {
        if (section is IConfigurationSection { Value: not null } scalar)
        {
            errors.Add($"'{scalar.Path}' is the value '{scalar.Value}'; expected a section with 'policies'.");
            return new PinningConfiguration();
        }

        CheckKeys(section, PinningConfigurationKeys.Pinning, PinningConfigurationKeys.DocumentKeys, errors);
        var policies = new List<HostPolicyConfiguration>();
        foreach (var policy in Children(section.GetSection(PinningConfigurationKeys.Policies)))
        {
            string where = $"pinning.policies[{policy.Key}]";
            CheckKeys(policy, where, PinningConfigurationKeys.PolicyKeys, errors);
            policies.Add(new HostPolicyConfiguration
            {
                Hosts = Strings(policy, PinningConfigurationKeys.Hosts, where, errors),
                Pins = Strings(policy, PinningConfigurationKeys.Pins, where, errors),
                Certificates = Strings(policy, PinningConfigurationKeys.Certificates, where, errors),
                BannedPins = Strings(policy, PinningConfigurationKeys.BannedPins, where, errors),
                Expires = policy[PinningConfigurationKeys.Expires],
                Mode = policy[PinningConfigurationKeys.Mode],
                ReportUris = Strings(policy, PinningConfigurationKeys.ReportUris, where, errors),
            });
        }

        bool require = false;
        var requireText = section[PinningConfigurationKeys.RequirePinnedHosts];
        if (requireText is not null && !bool.TryParse(requireText, out require))
        {
            errors.Add($"'pinning.requirePinnedHosts' is '{requireText}'; expected true or false.");
        }

        return new PinningConfiguration { Policies = policies, RequirePinnedHosts = require };
    }

    private static List<string> Strings(IConfigurationSection policy, string key, string where, List<string> errors)
    {
        var section = policy.GetSection(key);
        if (section.Value is not null)
        {
            // A single value where a list belongs: keep it, since environment variables cannot write arrays otherwise.
            return [section.Value];
        }

        var values = new List<string>();
        foreach (var item in Children(section))
        {
            if (item.Value is null)
            {
                errors.Add($"{where}.{key}[{item.Key}] is a section; expected a string.");
            }
            else
            {
                values.Add(item.Value);
            }
        }

        return values;
    }

    /// <summary>Array elements in index order ("0", "1", ..., "10"), as configuration stores them.</summary>
    private static IEnumerable<IConfigurationSection> Children(IConfigurationSection section) =>
        section.GetChildren().OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue).ThenBy(c => c.Key, StringComparer.Ordinal);

    private static void CheckKeys(IConfiguration section, string where, IReadOnlyList<string> known, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{where} has an unknown key '{child.Key}'; expected {string.Join(", ", known.Select(k => $"'{k}'"))}.{InCode(where, child.Key)}");
            }
        }
    }

    /// <summary>The settings of <see cref="PinningOptions"/> a user may try to put in the section.</summary>
    private static readonly string[] CodeOptions =
    [
        nameof(PinningOptions.Bundles), nameof(PinningOptions.Reporting), nameof(PinningOptions.PooledConnectionLifetime),
        nameof(PinningOptions.CustomTrustRoots), nameof(PinningOptions.CheckCertificateRevocation),
        nameof(PinningOptions.DangerousAcceptRelaxedChainPolicy), nameof(PinningOptions.DetectUnpinnedHandshakes),
    ];

    /// <summary>
    /// A hint when a key names one of <see cref="PinningOptions"/>' own settings: those are set in code, not read from
    /// the section (bundle signing keys compiled into the app cannot be swapped by whoever can edit a settings file).
    /// </summary>
    private static string InCode(string where, string key)
    {
        if (where != PinningConfigurationKeys.Pinning)
        {
            return string.Empty;
        }

        var option = Array.Find(CodeOptions, name => string.Equals(name, key, StringComparison.OrdinalIgnoreCase));
        return option is null
            ? string.Empty
            : $" PinningOptions.{option} is set in code, not read from this section: AddCertificatePinning(section, options => options.{option} = ...).";
    }
}
