namespace Pinset.Cli.Tests;

/// <summary>
/// The --help text of every command, pinned: a change to it is a change to the tool's interface and shows in review.
/// On a mismatch the new text is written beside the snapshot as *.received.txt; copy it over the snapshot if intended.
/// </summary>
public sealed class HelpSnapshotTests
{
    [Theory]
    [InlineData("pinset")]
    [InlineData("pin")]
    [InlineData("verify")]
    [InlineData("check")]
    [InlineData("convert")]
    [InlineData("backup-key")]
    [InlineData("demo")]
    [InlineData("completion")]
    [InlineData("tunnel")]
    [InlineData("bundle")]
    [InlineData("bundle keygen")]
    [InlineData("bundle sign")]
    [InlineData("bundle verify")]
    [InlineData("bundle inspect")]
    [InlineData("bundle diff")]
    public async Task Help_MatchesSnapshot(string command)
    {
        var run = await CliRunner.RunAsync(command == "pinset" ? ["--help"] : [.. command.Split(' '), "--help"]);
        Assert.Equal(0, run.Exit);
        Assert.DoesNotContain(ShellCompletion.FilesMarker, run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(ShellCompletion.DirectoriesMarker, run.Out, StringComparison.Ordinal);
        var snapshot = Path.Combine(AppContext.BaseDirectory, "Snapshots", $"help-{command.Replace(' ', '-')}.txt");
        var expected = File.Exists(snapshot) ? await File.ReadAllTextAsync(snapshot) : null;
        if (expected != run.Out)
        {
            var received = Path.Combine(SourceDirectory(), "Snapshots", $"help-{command.Replace(' ', '-')}.received.txt");
            await File.WriteAllTextAsync(received, run.Out);
            Assert.Fail($"The --help text of '{command}' changed; the new text is in '{received}'. Copy it over 'Snapshots/help-{command.Replace(' ', '-')}.txt' if the change is intended.");
        }
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
