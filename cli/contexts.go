package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/cliconfig"
	"github.com/connectless/connectless/cli/internal/output"
)

func configCommand(e *env) *cli.Command {
	path := func() string { return cliconfig.Path(e.configDir) }
	return &cli.Command{
		Name:  "config",
		Usage: "named contexts: which REST API to talk to and how to authenticate",
		Description: examples("Contexts live in the user config directory (connectless/config.yaml, mode 0600).",
			"connectless config set-context local --url http://localhost:8083",
			"connectless config set-context prod --url https://abc.execute-api.eu-west-1.amazonaws.com --auth sigv4 --region eu-west-1",
			"connectless config use-context prod",
			"connectless config get-contexts"),
		Subcommands: []*cli.Command{
			{
				Name: "set-context", ArgsUsage: "NAME", Usage: "create or change a context",
				Description: examples("Flags not given keep their current value.",
					"connectless config set-context local --url http://localhost:8083 --use",
					"connectless config set-context onprem --url https://connect:8083 --auth basic --user admin --password s3cret"),
				Flags: append(connFlags()[:1:1], // --url
					&cli.StringFlag{Name: flagAuth, Usage: "none, basic or sigv4"},
					&cli.StringFlag{Name: flagUser, Usage: "basic auth user"},
					&cli.StringFlag{Name: flagPassword, Usage: "basic auth password (stored in the file)"},
					&cli.StringFlag{Name: flagRegion, Usage: "AWS region for sigv4"},
					&cli.StringFlag{Name: flagProfile, Usage: "AWS shared config profile for sigv4"},
					&cli.BoolFlag{Name: "use", Usage: "also make it the current context"}),
				Action: func(c *cli.Context) error {
					name, err := oneArg(c, "context name")
					if err != nil {
						return err
					}
					f, err := cliconfig.Load(path())
					if err != nil {
						return err
					}
					cx, existed := f.Contexts[name]
					set := func(dst *string, flagName string) {
						if c.IsSet(flagName) {
							*dst = c.String(flagName)
						}
					}
					set(&cx.URL, flagURL)
					set(&cx.Auth, flagAuth)
					set(&cx.Username, flagUser)
					set(&cx.Password, flagPassword)
					set(&cx.Region, flagRegion)
					set(&cx.Profile, flagProfile)
					if cx.Auth == "" && cx.Username != "" {
						cx.Auth = cliconfig.AuthBasic
					}
					if cx.URL == "" {
						return usagef("config set-context %s: missing --url", name)
					}
					if err := cx.Validate(); err != nil {
						return &usageError{fmt.Sprintf("config set-context %s: %v", name, err)}
					}
					f.Contexts[name] = cx
					if c.Bool("use") || f.CurrentContext == "" {
						f.CurrentContext = name
					}
					if err := f.Save(path()); err != nil {
						return err
					}
					verb := "created"
					if existed {
						verb = "modified"
					}
					_, err = fmt.Fprintf(e.stdout, "context %s %s\n", name, verb)
					return err
				},
			},
			{
				Name: "use-context", ArgsUsage: "NAME", Usage: "make a context the current one",
				Description: examples("", "connectless config use-context prod"),
				Action: func(c *cli.Context) error {
					name, err := oneArg(c, "context name")
					if err != nil {
						return err
					}
					f, err := cliconfig.Load(path())
					if err != nil {
						return err
					}
					if _, err := f.Get(name); err != nil {
						return &usageError{err.Error() + ": create it with 'connectless config set-context " + name + " --url URL'"}
					}
					f.CurrentContext = name
					if err := f.Save(path()); err != nil {
						return err
					}
					_, err = fmt.Fprintf(e.stdout, "switched to context %s\n", name)
					return err
				},
			},
			{
				Name: "get-contexts", Usage: "list contexts; * marks the current one",
				Description: examples("", "connectless config get-contexts", "connectless config get-contexts -o yaml"),
				Flags:       outputFlags(),
				Action: func(c *cli.Context) error {
					f, err := cliconfig.Load(path())
					if err != nil {
						return err
					}
					p, err := e.printer(c)
					if err != nil {
						return err
					}
					if p.Format != output.Table {
						safe := &cliconfig.File{CurrentContext: f.CurrentContext, Contexts: map[string]cliconfig.Context{}}
						for n, cx := range f.Contexts {
							if cx.Password != "" {
								cx.Password = "[hidden]"
							}
							safe.Contexts[n] = cx
						}
						return p.Data(contextsJSON(safe))
					}
					if len(f.Contexts) == 0 {
						_, err := fmt.Fprintln(e.stdout, "No contexts. Create one with: connectless config set-context NAME --url URL")
						return err
					}
					rows := [][]string{}
					for _, n := range f.Names() {
						cx := f.Contexts[n]
						cur := ""
						if n == f.CurrentContext {
							cur = "*"
						}
						rows = append(rows, []string{cur, n, cx.URL, cmpOr(cx.Auth, cliconfig.AuthNone)})
					}
					return p.Table([]string{"CURRENT", "NAME", "URL", "AUTH"}, rows)
				},
			},
			{
				Name: "current-context", Usage: "print the current context's name",
				Description: examples("", "connectless config current-context"),
				Action: func(c *cli.Context) error {
					f, err := cliconfig.Load(path())
					if err != nil {
						return err
					}
					if f.CurrentContext == "" {
						return fmt.Errorf("no current context: set one with 'connectless config use-context NAME'")
					}
					_, err = fmt.Fprintln(e.stdout, f.CurrentContext)
					return err
				},
			},
			{
				Name: "delete-context", ArgsUsage: "NAME", Usage: "remove a context",
				Description: examples("", "connectless config delete-context old"),
				Action: func(c *cli.Context) error {
					name, err := oneArg(c, "context name")
					if err != nil {
						return err
					}
					f, err := cliconfig.Load(path())
					if err != nil {
						return err
					}
					if _, err := f.Get(name); err != nil {
						return &usageError{err.Error()}
					}
					delete(f.Contexts, name)
					if f.CurrentContext == name {
						f.CurrentContext = ""
					}
					if err := f.Save(path()); err != nil {
						return err
					}
					_, err = fmt.Fprintf(e.stdout, "context %s deleted\n", name)
					return err
				},
			},
		},
	}
}

// contextsJSON is the file with JSON field names, for -o json and yaml.
func contextsJSON(f *cliconfig.File) any {
	type cx struct {
		URL      string `json:"url"`
		Auth     string `json:"auth,omitempty"`
		Username string `json:"username,omitempty"`
		Password string `json:"password,omitempty"`
		Region   string `json:"region,omitempty"`
		Profile  string `json:"profile,omitempty"`
	}
	out := struct {
		Current  string        `json:"current-context"`
		Contexts map[string]cx `json:"contexts"`
	}{Current: f.CurrentContext, Contexts: map[string]cx{}}
	for n, c := range f.Contexts {
		out.Contexts[n] = cx(c)
	}
	return out
}
