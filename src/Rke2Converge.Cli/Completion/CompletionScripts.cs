namespace Rke2Converge.Cli.Completion;

/// <summary>
/// Shell completion scripts. Each asks rke2c itself, through System.CommandLine's <c>[suggest:POSITION]</c> directive,
/// for the subcommands, options and option values that fit where the cursor is; playbook paths complete as files.
/// </summary>
internal static class CompletionScripts
{
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "fish"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };

    private const string Bash = """
        # bash completion for rke2c. Load it in ~/.bashrc:  source <(rke2c completion bash)
        _rke2c_complete() {
            local cur="${COMP_WORDS[COMP_CWORD]}" IFS=$'\n' suggestions
            suggestions=$(rke2c "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=($(compgen -W "${suggestions}" -- "${cur}"))
            if [[ "${cur}" != -* ]]; then
                COMPREPLY+=($(compgen -f -- "${cur}"))
            fi
        }
        complete -o filenames -F _rke2c_complete rke2c

        """;

    private const string Zsh = """
        #compdef rke2c
        # zsh completion for rke2c. Load it in ~/.zshrc (after compinit):  source <(rke2c completion zsh)
        _rke2c() {
            local line="${(j: :)words[1,CURRENT]}"
            local -a suggestions
            suggestions=(${(f)"$(rke2c "[suggest:${#line}]" "${line}" 2>/dev/null)"})
            compadd -a suggestions
            [[ "${words[CURRENT]}" == -* ]] || _files
        }
        compdef _rke2c rke2c

        """;

    private const string Fish = """
        # fish completion for rke2c. Load it:  rke2c completion fish > ~/.config/fish/completions/rke2c.fish
        function __rke2c_suggest
            set -l line (commandline -cp)
            rke2c "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c rke2c -a '(__rke2c_suggest)'

        """;
}
