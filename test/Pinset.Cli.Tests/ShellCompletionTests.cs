namespace Pinset.Cli.Tests;

/// <summary>
/// Shell completion: what <c>pinset __complete</c> answers, and each shell's script run by that real shell (bash, zsh
/// and fish from Debian, PowerShell from the repository's tool manifest), calling back the real pinset process.
/// </summary>
public sealed class ShellCompletionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ShellCompletionTests()
    {
        File.WriteAllText(_dir.File("leaf.pem"), string.Empty);
        File.WriteAllText(_dir.File("policy.json"), string.Empty);
        Directory.CreateDirectory(_dir.File("keys"));

        // 'pinset' as the shells find it: an executable on PATH (PowerShell's native completers need one), running this build.
        Directory.CreateDirectory(_dir.File("bin"));
        File.WriteAllText(_dir.File("bin/pinset"), $"#!/bin/sh\nexec '{Dotnet}' '{Entry}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir.File("bin/pinset"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => _dir.Dispose();

    private static string Entry => Path.Combine(AppContext.BaseDirectory, "Pinset.Cli.dll");

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [Theory]
    [InlineData(new[] { "pinset", "ver" }, 1, new[] { "verify" })]
    [InlineData(new[] { "pinset", "" }, 1, new[] { "pin", "verify", "check", "convert", "backup-key", "bundle", "demo", "tunnel", "completion", "docs" })]
    [InlineData(new[] { "pinset", "bundle", "s" }, 2, new[] { "sign" })]
    [InlineData(new[] { "pinset", "bundle", "verify", "" }, 3, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "pin", "--form" }, 2, new[] { "--format" })]
    [InlineData(new[] { "pinset", "pin", "--format", "" }, 3, new[] { "android-nsc", "curl", "hpkp", "json", "okhttp", "text", "trustkit" })]
    [InlineData(new[] { "pinset", "pin", "--format", "o" }, 3, new[] { "okhttp" })]
    [InlineData(new[] { "pinset", "convert", "p.json", "--to", "tr" }, 4, new[] { "trustkit" })]
    [InlineData(new[] { "pinset", "verify", "host", "--p" }, 3, new[] { "--pin", "--policy", "--proxy" })]
    [InlineData(new[] { "pinset", "verify", "--timeout", "" }, 3, new string[0])]
    [InlineData(new[] { "pinset", "check", "p.json", "" }, 3, new string[0])]
    [InlineData(new[] { "pinset", "completion", "" }, 2, new[] { "bash", "fish", "pwsh", "zsh" })]
    [InlineData(new[] { "pinset", "pin", "" }, 2, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "verify", "h", "--ca-file", "" }, 4, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "check", "" }, 2, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "backup-key", "--out", "k" }, 3, new[] { ShellCompletion.DirectoriesMarker })]
    [InlineData(new[] { "pinset", "tunnel", "--po" }, 2, new[] { "--policy" })]
    [InlineData(new[] { "pinset", "tunnel", "--listen", "127.0.0.1:7000", "--policy", "" }, 5, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "tunnel", "--config", "t" }, 3, new[] { ShellCompletion.FilesMarker })]
    [InlineData(new[] { "pinset", "tunnel", "--listen", "" }, 3, new string[0])]
    public async Task Complete_AnswersFromTheCommands(string[] words, int index, string[] expected)
    {
        var run = await CliRunner.RunAsync([ShellCompletion.Request, index.ToString(System.Globalization.CultureInfo.InvariantCulture), .. words]);
        Assert.Equal(0, run.Exit);
        Assert.Equal(expected, run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(string.Empty, run.Error);
    }

    [Fact]
    public async Task Completion_UnknownShell_Exit2NamingTheShells()
    {
        var run = await CliRunner.RunAsync("completion", "tcsh");
        Assert.Equal(2, run.Exit);
        Assert.Contains("tcsh", run.Error, StringComparison.Ordinal);
    }

    [RequiresToolsFact("bash")]
    public async Task Bash_SourcedScript_CompletesCommandsOptionValuesAndFiles()
    {
        var script = await ScriptAsync("bash");
        string Complete(string words, int cword) =>
            $"COMP_WORDS=({words}); COMP_CWORD={cword}; _pinset_complete; printf '%s\\n' \"${{COMPREPLY[@]}}\"; echo ---; ";
        var (exit, output, error) = await ExternalTool.Named("bash").RunAsync(
            ["-c", $"cd '{_dir.Path}' && PATH='{_dir.File("bin")}':$PATH && source '{script}'; "
                + Complete("pinset ver", 1) + Complete("pinset pin --format c", 3) + Complete("pinset pin le", 2) + Complete("pinset backup-key --out k", 3)]);
        Assert.True(exit == 0, error);
        Assert.Equal(["verify", "curl", "leaf.pem", "keys"], Answers(output));
    }

    [RequiresToolsFact("zsh")]
    public async Task Zsh_SourcedScript_AsksPinsetAndOffersItsAnswer()
    {
        var script = await ScriptAsync("zsh");

        // zsh's completion builtins only work inside its line editor; here they print what they were given.
        var (exit, output, error) = await ExternalTool.Named("zsh").RunAsync(
            ["-fc", $"cd '{_dir.Path}'; PATH='{_dir.File("bin")}':$PATH; compadd() {{ shift; print -l -- \"$@\"; }}; _files() {{ print -- \"files $*\"; }}; source '{script}'; "
                + "words=(pinset ver); CURRENT=2; _pinset; print -r -- ---; words=(pinset pin --format tr); CURRENT=4; _pinset; print -r -- ---; words=(pinset pin le); CURRENT=3; _pinset; print -r -- ---"]);
        Assert.True(exit == 0, error);
        Assert.Equal(["verify", "trustkit", "files"], Answers(output));
    }

    [RequiresToolsFact("fish")]
    public async Task Fish_SourcedScript_CompletesCommandsOptionValuesAndFiles()
    {
        var script = await ScriptAsync("fish");
        var (exit, output, error) = await ExternalTool.Named("fish").RunAsync(
            ["--no-config", "-c", $"cd '{_dir.Path}'; set -x PATH '{_dir.File("bin")}' $PATH; source '{script}'; "
                + "complete -C 'pinset ver'; echo ---; complete -C 'pinset convert x --to ok'; echo ---; complete -C 'pinset pin le'; echo ---"]);
        Assert.True(exit == 0, error);
        Assert.Equal(["verify", "okhttp", "leaf.pem"], Answers(output));
    }

    [Fact]
    public async Task PowerShell_RegisteredCompleter_CompletesCommandsAndOptionValues()
    {
        var script = await ScriptAsync("pwsh");
        string Complete(string line) => $"(TabExpansion2 '{line}' {line.Length}).CompletionMatches | ForEach-Object CompletionText; '---'; ";
        var (exit, output, error) = await new ExternalTool(Dotnet, "the .NET SDK").RunAsync(
            ["tool", "run", "pwsh", "-NoProfile", "-NonInteractive", "-Command",
                $"$env:PATH = '{_dir.File("bin")}:' + $env:PATH; . '{script}'; " + Complete("pinset ver") + Complete("pinset pin --format js")],
            Repository.Root);
        Assert.True(exit == 0, $"{error}\n{output}");
        Assert.True(Answers(output).SequenceEqual(["verify", "json"]), $"{output}\n{error}");
    }

    private async Task<string> ScriptAsync(string shell)
    {
        var run = await CliRunner.RunAsync("completion", shell);
        Assert.True(run.Exit == 0, run.ToString());
        var path = _dir.File(shell == "pwsh" ? "pinset-completion.ps1" : $"pinset.{shell}");
        await File.WriteAllTextAsync(path, run.Out);
        return path;
    }

    /// <summary>The answers, one group per '---', each group's lines joined by spaces.</summary>
    private static string[] Answers(string output) =>
        [.. output.Split("---").Select(g => string.Join(' ', g.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('\t')[0]))).Where((g, i) => i < output.Split("---").Length - 1)];
}
