using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pinset.Collector;

/// <summary>
/// The reviewable change that adds a pin to a policy entry as a backup pin: the entry before and after, as indented JSON,
/// in unified diff form. The collector shows it; a person applies it.
/// </summary>
internal static class PolicyDiff
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string AddBackupPin(PolicyEntry entry, string pin)
    {
        var before = entry.Json.ToJsonString(Indented);
        var changed = (JsonObject)entry.Json.DeepClone();
        if (changed["pins"] is JsonArray pins)
        {
            pins.Add(pin);
        }
        else
        {
            changed["pins"] = new JsonArray(pin);
        }

        var after = changed.ToJsonString(Indented);
        return Unified(entry.Source, before.Split('\n'), after.Split('\n'));
    }

    /// <summary>A unified diff of two short texts with every line as context (a policy entry is a few lines).</summary>
    internal static string Unified(string source, string[] before, string[] after)
    {
        // Longest common subsequence table, then a walk that prints kept, removed and added lines in order.
        var common = new int[before.Length + 1, after.Length + 1];
        for (int i = before.Length - 1; i >= 0; i--)
        {
            for (int j = after.Length - 1; j >= 0; j--)
            {
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var text = new StringBuilder()
            .Append("--- ").Append(source).Append('\n')
            .Append("+++ ").Append(source).Append(" (proposed: backup pin added)\n")
            .Append("@@ -1,").Append(before.Length).Append(" +1,").Append(after.Length).Append(" @@\n");
        int a = 0, b = 0;
        while (a < before.Length || b < after.Length)
        {
            if (a < before.Length && b < after.Length && before[a] == after[b])
            {
                text.Append(' ').Append(before[a++]).Append('\n');
                b++;
            }
            else if (a < before.Length && (b == after.Length || common[a + 1, b] >= common[a, b + 1]))
            {
                text.Append('-').Append(before[a++]).Append('\n');
            }
            else
            {
                text.Append('+').Append(after[b++]).Append('\n');
            }
        }

        return text.ToString();
    }
}
