using System.CommandLine;

namespace Pinset.Cli;

/// <summary>
/// <c>pinset bundle diff OLD NEW</c>: what publishing NEW after OLD changes, host pattern by host pattern (added, removed,
/// pins, certificates and banned keys added and removed, mode and expiry), for review before publishing. Each side is a
/// bundle (read unverified) or a JSON policy file.
/// </summary>
internal static class BundleDiffCommand
{
    public static Command Create(CliConsole output, Option<bool> json)
    {
        var before = new Argument<string>("old") { Description = "The bundle (or policy file) in force now." };
        var after = new Argument<string>("new") { Description = "The bundle (or policy file) to publish." };
        ShellCompletion.OfFiles(before);
        ShellCompletion.OfFiles(after);
        var command = new Command("diff", "Show what a new bundle changes against the old one: hosts, pins, mode and expiry.") { before, after };
        command.SetAction(async (parse, cancel) =>
        {
            var old = await ReadAsync(output, parse.GetValue(before)!, cancel).ConfigureAwait(false);
            var @new = await ReadAsync(output, parse.GetValue(after)!, cancel).ConfigureAwait(false);
            var lines = new List<string>();
            if (old.Content is not null || @new.Content is not null)
            {
                Change(lines, "version", old.Content?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), @new.Content?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Change(lines, "expires", old.Content is { } o ? BundleVerifyCommand.Instant(o.Expires) : null, @new.Content is { } n ? BundleVerifyCommand.Instant(n.Expires) : null);
                Change(lines, "signed by", old.Content?.KeyId.ToString(), @new.Content?.KeyId.ToString());
                if (@new.Content is { } next && old.Content is { } previous && next.Version <= previous.Version)
                {
                    lines.Add($"! version {next.Version} is not above {previous.Version}: clients that have the old one refuse the new one.");
                }
            }

            var oldRules = Rules(old.Policy);
            var newRules = Rules(@new.Policy);
            foreach (var (pattern, rule) in newRules.Where(r => !oldRules.ContainsKey(r.Key)))
            {
                lines.Add($"+ host {pattern}: pins {string.Join(", ", rule.Pins)}");
            }

            foreach (var pattern in oldRules.Keys.Where(p => !newRules.ContainsKey(p)))
            {
                lines.Add($"- host {pattern} (no longer pinned)");
            }

            foreach (var (pattern, rule) in newRules.Where(r => oldRules.ContainsKey(r.Key)))
            {
                var was = oldRules[pattern];
                var changes = new List<string>();
                Items(changes, "pin", was.Pins.Select(p => p.ToString()), rule.Pins.Select(p => p.ToString()));
                Items(changes, "certificate", was.Certificates.Select(c => c.ToString()), rule.Certificates.Select(c => c.ToString()));
                Items(changes, "banned", was.BannedPins.Select(p => p.ToString()), rule.BannedPins.Select(p => p.ToString()));
                Change(changes, "mode", Mode(was), Mode(rule));
                Change(changes, "expires", was.Expires is { } e1 ? BundleVerifyCommand.Instant(e1) : "never", rule.Expires is { } e2 ? BundleVerifyCommand.Instant(e2) : "never");
                if (changes.Count > 0)
                {
                    lines.Add($"  host {pattern}:");
                    lines.AddRange(changes.Select(c => "    " + c));
                }
            }

            if (parse.GetValue(json))
            {
                output.Out.WriteLine(JsonDocumentWriter.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("verified", false);
                    JsonDocumentWriter.WriteStrings(w, "changes", lines);
                    w.WriteEndObject();
                }));
            }
            else
            {
                output.Out.WriteLine("UNVERIFIED: the bundles' contents as they say; verify NEW before publishing it.");
                output.Out.WriteLine(lines.Count == 0 ? "No change." : string.Join('\n', lines));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private sealed record Side(PinningPolicy Policy, PinBundleContent? Content);

    private static async Task<Side> ReadAsync(CliConsole output, string path, CancellationToken cancel)
    {
        var text = (await output.Files.ReadTextAsync(path, "a pin bundle or a JSON policy file", cancel).ConfigureAwait(false)).Trim();
        if (text.StartsWith('{'))
        {
            return new Side(PinningPolicy.Parse(text, InputFile.Display(path)), null);
        }

        try
        {
            var content = PinBundle.Inspect(text);
            return new Side(PinningPolicy.Create(content.Configuration), content);
        }
        catch (PinBundleException ex)
        {
            throw new CliException(ExitCodes.BadInput, $"'{InputFile.Display(path)}' is neither a pin bundle nor a JSON policy ({ex.Reason}): {ex.Message}", ex);
        }
    }

    private static Dictionary<string, HostPolicy> Rules(PinningPolicy policy) =>
        policy.Policies.SelectMany(p => p.Hosts.Select(h => (Pattern: h.ToString(), Policy: p))).ToDictionary(x => x.Pattern, x => x.Policy, StringComparer.Ordinal);

    private static string Mode(HostPolicy rule) => PinningModeNames.Of(rule.Mode);

    private static void Change(List<string> lines, string what, string? was, string? now)
    {
        if (was != now)
        {
            lines.Add($"{what}: {was ?? "(policy file)"} -> {now ?? "(policy file)"}");
        }
    }

    private static void Items(List<string> lines, string what, IEnumerable<string> was, IEnumerable<string> now)
    {
        var old = was.ToHashSet(StringComparer.Ordinal);
        var current = now.ToHashSet(StringComparer.Ordinal);
        lines.AddRange(current.Where(i => !old.Contains(i)).Select(i => $"+ {what} {i}"));
        lines.AddRange(old.Where(i => !current.Contains(i)).Select(i => $"- {what} {i}"));
    }
}
