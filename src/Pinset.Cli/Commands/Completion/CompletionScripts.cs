namespace Pinset.Cli;

/// <summary>
/// The scripts <c>pinset completion SHELL</c> prints. Each only asks <c>pinset __complete INDEX WORDS...</c> and shows
/// its answer (see <see cref="ShellCompletion"/>); the knowledge of commands and options stays in one place.
/// </summary>
internal static class CompletionScripts
{
    public static string[] Shells { get; } = ["bash", "zsh", "fish", "pwsh"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        "pwsh" => PowerShell,
        _ => throw new CliException(ExitCodes.BadInput, $"Shell '{shell}' is not one of {string.Join(", ", Shells)}."),
    };

    private const string Bash = """
        # pinset completion for bash. Load it now:  source <(pinset completion bash)
        # or for every shell:  pinset completion bash > ~/.local/share/bash-completion/completions/pinset
        _pinset_complete() {
            local IFS=$'\n'
            local reply
            reply=$(pinset __complete "$COMP_CWORD" "${COMP_WORDS[@]}" 2>/dev/null)
            case "$reply" in
                :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")) ;;
                :directories) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "${COMP_WORDS[COMP_CWORD]}")) ;;
                *) COMPREPLY=($reply) ;;
            esac
        }
        complete -F _pinset_complete pinset

        """;

    private const string Zsh = """
        #compdef pinset
        # pinset completion for zsh. Load it now:  source <(pinset completion zsh)
        # or for every shell: save it as _pinset in a directory of your $fpath.
        _pinset() {
            local -a reply
            reply=("${(@f)$(pinset __complete $((CURRENT - 1)) "${words[@]}" 2>/dev/null)}")
            case "${reply[1]}" in
                :files) _files ;;
                :directories) _files -/ ;;
                *) compadd -- "${reply[@]}" ;;
            esac
        }
        if (( $+functions[compdef] )); then
            compdef _pinset pinset
        fi

        """;

    private const string Fish = """
        # pinset completion for fish. Load it now:  pinset completion fish | source
        # or for every shell:  pinset completion fish > ~/.config/fish/completions/pinset.fish
        function __pinset_complete
            set -l words (commandline -opc) (commandline -ct)
            set -l reply (pinset __complete (math (count $words) - 1) $words 2>/dev/null)
            switch "$reply[1]"
                case ':files'
                    __fish_complete_path (commandline -ct)
                case ':directories'
                    __fish_complete_directories (commandline -ct)
                case '*'
                    printf '%s\n' $reply
            end
        end
        complete -c pinset -f -a '(__pinset_complete)'

        """;

    private const string PowerShell = """
        # pinset completion for PowerShell. Load it now:  pinset completion pwsh | Out-String | Invoke-Expression
        # or for every session: add that line to your $PROFILE.
        Register-ArgumentCompleter -Native -CommandName pinset -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $words = @($commandAst.CommandElements | Where-Object { $_.Extent.StartOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
            if ($wordToComplete -eq '') { $words += '' }
            $reply = @(& pinset __complete ($words.Count - 1) @words 2>$null)
            if ($reply.Count -gt 0 -and ($reply[0] -eq ':files' -or $reply[0] -eq ':directories')) {
                # Nothing returned: PowerShell completes paths itself.
                return
            }
            $reply | ForEach-Object { [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_) }
        }

        """;
}
