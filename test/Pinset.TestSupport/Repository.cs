namespace Pinset.TestSupport;

/// <summary>Paths in this repository, for tests and benchmarks that read its docs and scripts or build its projects.</summary>
public static class Repository
{
    /// <summary>The repository's root: the nearest directory above this assembly that holds Pinset.slnx.</summary>
    public static string Root { get; } = Find();

    /// <summary>A path under the root, from its parts.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Pinset.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"The repository root (with Pinset.slnx) was not found above '{AppContext.BaseDirectory}'.");
    }
}
