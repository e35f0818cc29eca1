package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

const bashCompletion = `# connectless bash completion: source <(connectless completion bash)
_connectless_complete() {
  local cur opts
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  if [[ "$cur" == "-"* ]]; then
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" "${cur}" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${COMP_WORDS[@]:0:$COMP_CWORD}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -F _connectless_complete connectless
`

const zshCompletion = `#compdef connectless
# connectless zsh completion: source <(connectless completion zsh)
_connectless() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
if [ "$funcstack[1]" = "_connectless" ]; then
  _connectless "$@"
else
  compdef _connectless connectless
fi
`

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name: "completion", ArgsUsage: "bash|zsh|fish",
		Usage: "print a shell completion script (commands, flags and connector names)",
		Description: examples("",
			"source <(connectless completion bash)",
			"connectless completion zsh > \"${fpath[1]}/_connectless\"",
			"connectless completion fish > ~/.config/fish/completions/connectless.fish"),
		Action: func(c *cli.Context) error {
			shell, err := oneArg(c, "shell (bash, zsh or fish)")
			if err != nil {
				return err
			}
			switch shell {
			case "bash":
				_, err = io.WriteString(e.stdout, bashCompletion)
			case "zsh":
				_, err = io.WriteString(e.stdout, zshCompletion)
			case "fish":
				var s string
				if s, err = c.App.ToFishCompletion(); err == nil {
					_, err = io.WriteString(e.stdout, s)
				}
			default:
				return usagef("completion: unknown shell %q: use bash, zsh or fish", shell)
			}
			if err != nil {
				return fmt.Errorf("write completion script: %w", err)
			}
			return nil
		},
	}
}
