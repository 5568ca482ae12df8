namespace Pinset.TestSupport;

/// <summary>What Linux's /proc says about processes: the children of one, whether one still runs, and its memory.</summary>
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

    /// <summary>
    /// The process's resident memory now (VmRSS) and at its peak so far (VmHWM, the high-water mark the kernel keeps), in
    /// bytes: the peak shows what the process held at any moment, however briefly, without sampling.
    /// </summary>
    public static (long Resident, long Peak) Memory(int id)
    {
        long resident = -1, peak = -1;
        foreach (var line in File.ReadLines($"/proc/{id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                resident = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
        }

        return resident >= 0 && peak >= 0 ? (resident, peak) : throw new InvalidOperationException($"/proc/{id}/status has no VmRSS and VmHWM lines; the process has ended.");

        // "VmRSS:     51234 kB"
        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

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
