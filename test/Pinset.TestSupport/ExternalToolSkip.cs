namespace Pinset.TestSupport;

/// <summary>The skip reason of the tool-requiring test attributes: only with the local-run switch set and a tool missing.</summary>
internal static class ExternalToolSkip
{
    public static string? Reason(string[] commands)
    {
        if (Environment.GetEnvironmentVariable(ExternalTool.SkipSwitch) != "1")
        {
            return null;
        }

        var missing = ExternalTool.All.Where(t => commands.Contains(t.Command) && !t.IsInstalled).Select(t => $"'{t.Command}' (Debian '{t.DebianPackage}')").ToList();
        return missing.Count == 0 ? null : $"{ExternalTool.SkipSwitch}=1 and {string.Join(", ", missing)} not installed.";
    }
}
