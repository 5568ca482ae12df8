namespace Pinset.Collector;

/// <summary>
/// A change the dashboard proposes, for a person to review and apply: a unified diff to the policy file
/// (<see cref="Diff"/>), or, where there is no file or its text cannot be changed in place, the whole proposed policy
/// file as Pinset writes it (<see cref="ProposedFile"/>). <see cref="Apply"/> says which, and how to apply it.
/// </summary>
internal sealed record PolicyChange(string Apply, string? Diff, string? ProposedFile)
{
    /// <summary>
    /// The change that adds <paramref name="pin"/> to <paramref name="entry"/>'s pins, as a backup pin. Either form is
    /// what Pinset's loader reads back as the entry's configuration with the pin added; one that does not load is not
    /// proposed.
    /// </summary>
    public static PolicyChange AddBackupPin(PolicyEntry entry, string pin)
    {
        var policies = entry.Configuration.Policies.ToList();
        policies[entry.Index] = policies[entry.Index] with { Pins = [.. policies[entry.Index].Pins, pin] };
        var proposed = entry.Configuration with { Policies = policies };
        if (entry.File is { } file)
        {
            var name = Path.GetFileName(file.Path);
            var bom = file.Text.StartsWith('\uFEFF') ? "\uFEFF" : string.Empty;
            if (PinsInsertion.Insert(file.Text[bom.Length..], entry.Index, pin) is { } changed && ReadsAs(changed, file.Path, proposed))
            {
                changed = bom + changed;
                return new PolicyChange($"A unified diff of '{name}': in the directory of '{file.Path}', apply it with 'git apply' or 'patch -p1'.", UnifiedDiff.Create(name, file.Text, changed), null);
            }

            return Whole(proposed, $"The pins of {entry.Source} could not be changed in place in '{file.Path}' (its text is not the plain JSON Pinset writes), so this is the whole proposed policy file as Pinset writes it: it leaves out anything else the file holds, such as other settings.");
        }

        return Whole(proposed, $"No policy file pins this host (give the collector yours as Policy:Path to get a diff of it), so this is a whole proposed policy file, as Pinset writes it: the host, the pins its reports name and this one.");
    }

    /// <summary>The whole proposed file, if Pinset loads it; else no proposal, and why.</summary>
    private static PolicyChange Whole(PinningConfiguration proposed, string apply)
    {
        var text = PinningConfigurationJsonWriter.Write(proposed);
        try
        {
            _ = PinningPolicy.Parse(text, "the proposed policy");
            return new PolicyChange(apply, null, text);
        }
        catch (PinsetFormatException ex)
        {
            return new PolicyChange($"No change is proposed: the policy it would make does not load. {ex.Message}", null, null);
        }
    }

    /// <summary>True when Pinset's loader reads <paramref name="text"/> as exactly <paramref name="expected"/>, and the policy it makes loads.</summary>
    private static bool ReadsAs(string text, string path, PinningConfiguration expected)
    {
        try
        {
            _ = PinningPolicy.Parse(text, path);
            return PinningConfigurationJson.Parse(text, path) == expected;
        }
        catch (PinsetFormatException)
        {
            return false;
        }
    }
}
