namespace Pinset.Cli.Tests;

/// <summary>
/// 'pinset docs': an installed tool prints this version's documentation itself, where help once pointed at a path only a
/// clone has. The real process, as an installed tool runs.
/// </summary>
public sealed class DocsCommandTests
{
    [Fact]
    public async Task Docs_ListsEveryPageOfTheRepositorysDocsWithItsTitle()
    {
        var run = await PinsetProcess.RunAsync("docs");
        Assert.True(run.Exit == 0, run.Error);
        var pages = Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md").Where(p => !p.EndsWith(".received.md", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(pages, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]));
        Assert.Contains("Signed pin bundles", run.Out.Split('\n').Single(l => l.StartsWith("bundles ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docs_APage_IsThePageOfThisVersion()
    {
        var run = await PinsetProcess.RunAsync("docs", "bundles");
        Assert.True(run.Exit == 0, run.Error);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "bundles.md")), run.Out);
    }

    [Fact]
    public async Task Docs_UnknownPage_Exit2NamingThePages()
    {
        var run = await PinsetProcess.RunAsync("docs", "bundle");
        Assert.True(run.Exit == 2, run.Error);
        Assert.Contains("'bundle'", run.Error, StringComparison.Ordinal);
        Assert.Contains("bundles", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PointsAtPinsetDocs_NotAtAPathOfTheRepository()
    {
        var run = await PinsetProcess.RunAsync("--help");
        Assert.DoesNotContain("docs/", run.Out, StringComparison.Ordinal);
        Assert.Contains("'pinset docs bundles'", run.Out, StringComparison.Ordinal);
    }
}
