namespace Pinset.TestSupport;

/// <summary>What Linux's /proc says about processes: the children of one, and whether one still runs.</summary>
public static class ProcessTree
{
    /// <summary>The processes whose parent is <paramref name="parentId"/>, with their command names.</summary>
    public static IReadOnlyList<(int Id, string Command)> Children(int parentId)
    {
        var children = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int id) || Stat(id) is not { } stat)
            {
                continue;
            }

            if (stat.Parent == parentId)
            {
                children.Add((id, stat.Command));
            }
        }

        return children;
    }

    /// <summary>True while the process exists and is not a zombie waiting to be reaped.</summary>
    public static bool IsRunning(int id) => Stat(id) is { State: not 'Z' and not 'X' };

    private static (string Command, char State, int Parent)? Stat(int id)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{id}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": the command may hold spaces and parentheses, so read from the last ')'.
        int open = text.IndexOf('(', StringComparison.Ordinal);
        int close = text.LastIndexOf(')');
        var rest = text[(close + 2)..].Split(' ');
        return (text[(open + 1)..close], rest[0][0], int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
