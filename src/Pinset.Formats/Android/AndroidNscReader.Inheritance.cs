namespace Pinset.Formats;

// What a config inherits (pin-set and trust anchors from its parents and base-config), and the policies it makes,
// one per domain, as Pinset's most specific match will find them.
internal sealed partial class AndroidNscReader
{
    private List<HostPolicyConfiguration> BuildPolicies(out string nothingPinned)
    {
        var policies = new List<HostPolicyConfiguration>();
        var pinnedWithSubdomains = new Dictionary<string, string>(StringComparer.Ordinal);
        var bypassed = new Dictionary<Anchor, List<string>>();
        var unpinned = new List<(Config Config, string Reason)>();
        int withoutPinSet = 0, withEmptyPinSet = 0, withoutHosts = 0;
        foreach (var config in _domainConfigs)
        {
            if (config.Domains.Count == 0)
            {
                continue;
            }

            var (pinSet, owner) = EffectivePinSet(config);
            if (pinSet is null || pinSet.Pins.Count == 0)
            {
                string reason = pinSet is null
                    ? "has no <pin-set>, nor a parent <domain-config> with one"
                    : owner == config
                        ? $"has a <pin-set> (line {pinSet.Line}) without a <pin>"
                        : $"inherits the <pin-set> of line {pinSet.Line}, which has no <pin>";
                unpinned.Add((config, reason));
                if (pinSet is null)
                {
                    withoutPinSet++;
                }
                else
                {
                    withEmptyPinSet++;
                }

                continue;
            }

            var hosts = new List<string>();
            foreach (var domain in config.Domains)
            {
                if (HostFor(domain) is { } host)
                {
                    hosts.Add(host);
                    if (domain.IncludeSubdomains)
                    {
                        pinnedWithSubdomains[domain.Name] = host;
                    }
                }
            }

            if (hosts.Count == 0)
            {
                withoutHosts++;
                continue;
            }

            policies.Add(new HostPolicyConfiguration { Hosts = hosts, Pins = [.. pinSet.Pins], Expires = pinSet.Expires });
            string names = Names(config);
            if (pinSet.ExpiresAt is { } expiresAt && _now >= expiresAt)
            {
                Warn(config.Element, $"the <pin-set expiration=\"{pinSet.ExpirationText}\"> (line {pinSet.Line}) of the <domain-config> for {names} has passed: Android ignores these pins, so the app is not pinned for {names}; the Pinset policy is already expired too.");
            }

            foreach (var anchor in EffectiveAnchors(config).Concat(_debug?.Anchors ?? []).Where(a => a.OverridePins))
            {
                if (!bypassed.TryGetValue(anchor, out var affected))
                {
                    bypassed[anchor] = affected = [];
                }

                affected.Add(names);
            }
        }

        foreach (var (anchor, affected) in bypassed)
        {
            string names = string.Join(", ", affected);
            Warn(anchor.Line, anchor.InDebugOverrides
                ? $"PINS BYPASSED in debuggable builds: <certificates src=\"{anchor.Src}\"> in <{DebugOverrides}> overrides pins (the default there), so a debuggable build of the app does not check the pins of {names} on a chain anchored at a '{anchor.Src}' CA. Pinset's policy pins them anyway."
                : $"PINS BYPASSED: <certificates src=\"{anchor.Src}\" overridePins=\"true\"> applies to the <domain-config> for {names}: Android does not check their pins on a chain anchored at a '{anchor.Src}' CA, so against those CAs the app is in effect not pinned. Pinset's policy pins them anyway.");
        }

        foreach (var (config, reason) in unpinned)
        {
            var wider = config.Domains
                .Select(d => (d, Host: WiderPinned(d.Name, pinnedWithSubdomains)))
                .Where(w => w.Host is not null)
                .ToList();
            string carveOut = wider.Count == 0
                ? string.Empty
                : " " + string.Join(" ", wider.Select(w => $"Android's most specific match leaves '{w.d.Name}' unpinned, but Pinset's policy for '{w.Host}' pins it."));
            Warn(config.Element, $"the <domain-config> for {Names(config)} {reason}, so Android does not pin them and Pinset writes no policy for them.{carveOut}");
        }

        var parts = new List<string>();
        if (_domainConfigs.Count == 0)
        {
            parts.Add("it has no <domain-config>");
        }

        if (withoutPinSet > 0)
        {
            parts.Add(withoutPinSet == _domainConfigs.Count
                ? $"its {Count(withoutPinSet, "domain-config")} {(withoutPinSet == 1 ? "has" : "have")} no pin-set"
                : $"{Count(withoutPinSet, "domain-config")} {(withoutPinSet == 1 ? "has" : "have")} no pin-set");
        }

        if (withEmptyPinSet > 0)
        {
            parts.Add($"{Count(withEmptyPinSet, "domain-config")} {(withEmptyPinSet == 1 ? "has a pin-set" : "have pin-sets")} without a pin");
        }

        if (withoutHosts > 0)
        {
            parts.Add($"{Count(withoutHosts, "domain-config")} with pins {(withoutHosts == 1 ? "names" : "name")} no host Pinset can pin");
        }

        nothingPinned = string.Join(", ", parts);
        return policies;
    }

    /// <summary>The pinned includeSubdomains domain that Pinset's most specific match would give <paramref name="name"/>, label by label.</summary>
    private static string? WiderPinned(string name, Dictionary<string, string> pinnedWithSubdomains)
    {
        for (int dot = name.IndexOf('.', StringComparison.Ordinal); dot >= 0; dot = name.IndexOf('.', dot + 1))
        {
            if (pinnedWithSubdomains.TryGetValue(name[(dot + 1)..], out var host))
            {
                return host;
            }
        }

        return null;
    }

    private string? HostFor(Domain domain)
    {
        string name = domain.Name;
        if (name.EndsWith('.'))
        {
            Warn(domain.Line, $"<domain>{name}</domain> ends with a dot; Android drops the trailing dot of a host name before comparing, so this domain matches no host and Android pins nothing with it. It is left out.");
            return null;
        }

        if (!HostName.TryNormalize(name, out var normalized, out var error))
        {
            Warn(domain.Line, $"<domain>{name}</domain> is not a host name ({error.TrimEnd('.')}); Android compares it literally with host names, so it matches no real host and pins nothing. It is left out.");
            return null;
        }

        if (normalized != name)
        {
            Warn(domain.Line, $"<domain>{name}</domain> is compared by Android as written; Pinset pins its normalised form '{normalized}', which is how HTTP clients name the host.");
        }

        if (!domain.IncludeSubdomains)
        {
            return normalized;
        }

        if (HostName.IsIPAddress(normalized))
        {
            Warn(domain.Line, $"<domain includeSubdomains=\"true\">{name}</domain> is an IP address, which has no subdomains; Pinset pins the address alone, as Android in effect does.");
            return normalized;
        }

        return "**." + normalized;
    }

    private (PinSet? PinSet, Config? Owner) EffectivePinSet(Config config)
    {
        for (var c = config; c is not null; c = c.Parent)
        {
            if (c.PinSet is not null)
            {
                return (c.PinSet, c);
            }
        }

        return (null, null);
    }

    /// <summary>A config's trust anchors: its own, else its parents', else base-config's, else the platform's (which never override pins).</summary>
    private List<Anchor> EffectiveAnchors(Config config)
    {
        for (var c = config; c is not null; c = c.Parent)
        {
            if (c.Anchors is not null)
            {
                return c.Anchors;
            }
        }

        return _base?.Anchors ?? [];
    }

    private IEnumerable<Config> All()
    {
        if (_base is not null)
        {
            yield return _base;
        }

        foreach (var config in _domainConfigs)
        {
            yield return config;
        }

        if (_debug is not null)
        {
            yield return _debug;
        }
    }
}
