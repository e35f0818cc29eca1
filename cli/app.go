package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/cli/internal/cliconfig"
	"github.com/connectless/connectless/cli/internal/output"
	"github.com/connectless/connectless/connectors"
	"github.com/connectless/connectless/core/client"
	"github.com/connectless/connectless/core/connect"
)

// env is what a run of the CLI reads and writes; tests build their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// configDir is the user config directory (os.UserConfigDir).
	configDir string
	// awsConfig loads the AWS configuration for SigV4 (the SDK's default chain).
	awsConfig func(ctx context.Context, region, profile string) (aws.Config, error)
	// registry returns the connector plugins invoke can run.
	registry func() (*connect.Registry, error)
	// poll is the interval between two status reads of a --wait.
	poll time.Duration

	// url is the REST API URL of the current run, for error messages.
	url string
	// ctxName is the context in use, "" for none.
	ctxName string
}

func newEnv() *env {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = os.TempDir()
	}
	return &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, configDir: dir,
		awsConfig: func(ctx context.Context, region, profile string) (aws.Config, error) {
			var opts []func(*awsconfig.LoadOptions) error
			if region != "" {
				opts = append(opts, awsconfig.WithRegion(region))
			}
			if profile != "" {
				opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
			}
			return awsconfig.LoadDefaultConfig(ctx, opts...)
		},
		registry: connectors.Registry,
		poll:     500 * time.Millisecond,
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// usageError is wrong usage: exit code 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// run runs the CLI with args (args[0] is the program name) and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	app := newApp(e)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	code := exitError
	var ue *usageError
	if errors.As(err, &ue) {
		code = exitUsage
	}
	p := &output.Printer{W: e.stderr, Color: isTerminal(e.stderr) && e.getenv("NO_COLOR") == ""}
	fmt.Fprintf(e.stderr, "%s %s\n", p.Paint(output.Red, "error:"), explain(err, e))
	if code == exitUsage {
		fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", helpPath(app, args))
	}
	return code
}

// helpPath is the command path of args without flags and operands, e.g. "connectless get".
func helpPath(app *cli.App, args []string) string {
	out := []string{"connectless"}
	cmds := app.Commands
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		c := findCommand(cmds, a)
		if c == nil {
			break
		}
		out = append(out, c.Name)
		cmds = c.Subcommands
	}
	return strings.Join(out, " ")
}

// explain turns an error into the one line a person needs: what happened and what to do.
func explain(err error, e *env) string {
	var api *client.APIError
	switch {
	case errors.Is(err, client.ErrUnreachable):
		cause := err.Error()
		if i := strings.LastIndex(cause, ": "); i >= 0 {
			cause = cause[i+2:]
		}
		return fmt.Sprintf("cannot reach the REST API at %s (%s): start a worker ('connectless worker' or 'connectless dev') or point --url, CONNECTLESS_URL or a context ('connectless config get-contexts') at a running one", e.url, cause)
	case errors.As(err, &api) && (api.StatusCode == http.StatusUnauthorized || (api.StatusCode == http.StatusForbidden && !strings.Contains(api.Message, "disabled"))):
		return fmt.Sprintf("%s (HTTP %d from %s): check the credentials: --user and --password for basic auth, or the AWS credentials and --region for --auth sigv4%s", api.Error(), api.StatusCode, e.url, contextHint(e))
	case errors.As(err, &api) && api.StatusCode == http.StatusNotFound && strings.HasPrefix(api.Path, "/connectors/"):
		return api.Error() + ": list connectors with 'connectless get connectors'"
	case errors.As(err, &api) && api.StatusCode == http.StatusNotFound && strings.HasPrefix(api.Path, "/connector-plugins/"):
		return api.Error() + ": list plugins with 'connectless plugins'"
	case errors.As(err, &api) && api.StatusCode == http.StatusNotFound && api.ErrorCode == 0:
		return fmt.Sprintf("%s: %s does not look like a Kafka Connect REST API; check --url", api.Error(), e.url)
	case errors.Is(err, context.DeadlineExceeded):
		return err.Error() + ": raise --timeout, or look at the connector with 'connectless describe connector'"
	}
	return err.Error()
}

func contextHint(e *env) string {
	if e.ctxName == "" {
		return ""
	}
	return fmt.Sprintf(" (context %q)", e.ctxName)
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:    "connectless",
		Usage:   "Kafka Connect, serverless: manage connectors and run workers",
		Version: version,
		Description: "Talks to a Kafka Connect REST API (connectless or Apache Kafka Connect).\n" +
			"Where: --url, CONNECTLESS_URL, or the current context (connectless config).\n\n" +
			"Examples:\n" +
			"  connectless get connectors\n" +
			"  connectless apply -f connectors/ --wait\n" +
			"  connectless describe connector orders-archive",
		Reader:               e.stdin,
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		EnableBashCompletion: true,
		Suggest:              true,
		HideVersion:          true,
		Flags:                globalFlags(),
		Commands:             commands(e),
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &usageError{err.Error()}
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unknown command %q", c.Args().First())
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, c := range app.Commands {
		setUsageErrors(c)
	}
	return app
}

// setUsageErrors makes flag errors usage errors (exit 2) in a command tree, and gives each
// parent command an action that rejects an unknown subcommand.
func setUsageErrors(c *cli.Command) {
	c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return &usageError{err.Error()} }
	if len(c.Subcommands) > 0 && c.Action == nil {
		var names []string
		for _, s := range c.Subcommands {
			names = append(names, s.Name)
		}
		name := c.Name
		c.Action = func(cc *cli.Context) error {
			if cc.Args().Present() {
				return usagef("unknown %s subcommand %q: use one of %s", name, cc.Args().First(), strings.Join(names, ", "))
			}
			return usagef("%s needs a subcommand: one of %s", name, strings.Join(names, ", "))
		}
	}
	for _, s := range c.Subcommands {
		setUsageErrors(s)
	}
}

// Flag names shared by the commands that talk to the REST API.
const (
	flagURL      = "url"
	flagContext  = "context"
	flagAuth     = "auth"
	flagUser     = "user"
	flagPassword = "password"
	flagRegion   = "region"
	flagProfile  = "profile"
	flagOutput   = "output"
	flagNoColor  = "no-color"
)

// globalFlags are accepted before the command and, for the commands that use them, after it.
func globalFlags() []cli.Flag {
	return append(connFlags(), outputFlags()...)
}

func connFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagURL, Usage: "REST API URL (env CONNECTLESS_URL; default " + client.DefaultURL + ")"},
		&cli.StringFlag{Name: flagContext, Usage: "named context from 'connectless config' (env CONNECTLESS_CONTEXT)"},
		&cli.StringFlag{Name: flagAuth, Usage: "authentication: none, basic or sigv4 (API Gateway IAM auth)"},
		&cli.StringFlag{Name: flagUser, Usage: "basic auth user (env CONNECTLESS_USER)"},
		&cli.StringFlag{Name: flagPassword, Usage: "basic auth password (env CONNECTLESS_PASSWORD)"},
		&cli.StringFlag{Name: flagRegion, Usage: "AWS region for sigv4 (default: the AWS SDK chain)"},
		&cli.StringFlag{Name: flagProfile, Usage: "AWS shared config profile for sigv4"},
	}
}

func outputFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Usage: "output format: table, json or yaml", Value: "table"},
		&cli.BoolFlag{Name: flagNoColor, Usage: "no colour even on a terminal (also NO_COLOR)"},
	}
}

// flagValue returns the value of a flag set explicitly on this command or an ancestor, nearest
// first; ok is false when none set it.
func flagValue(c *cli.Context, name string) (string, bool) {
	for _, cc := range c.Lineage() {
		if cc.Command == nil && cc.App == nil {
			continue
		}
		if slices.Contains(cc.LocalFlagNames(), name) {
			return cc.String(name), true
		}
	}
	return "", false
}

func boolFlag(c *cli.Context, name string) bool {
	for _, cc := range c.Lineage() {
		if slices.Contains(cc.LocalFlagNames(), name) {
			return cc.Bool(name)
		}
	}
	return false
}

// printer returns the output printer of a command.
func (e *env) printer(c *cli.Context) (*output.Printer, error) {
	format := "table"
	if v, ok := flagValue(c, flagOutput); ok {
		format = v
	}
	f, err := output.ParseFormat(format)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	color := isTerminal(e.stdout) && e.getenv("NO_COLOR") == "" && !boolFlag(c, flagNoColor)
	return &output.Printer{W: e.stdout, Format: f, Color: color}, nil
}

// settings are the connection settings after flags, environment and context are merged.
type settings struct {
	url, auth, user, password, region, profile string
}

// resolve merges, highest first: flags, environment, the chosen or current context, defaults.
func (e *env) resolve(c *cli.Context) (settings, error) {
	var s settings
	f, err := cliconfig.Load(cliconfig.Path(e.configDir))
	if err != nil {
		return s, err
	}
	name, explicit := flagValue(c, flagContext)
	if !explicit {
		name = e.getenv("CONNECTLESS_CONTEXT")
		explicit = name != ""
	}
	if !explicit {
		name = f.CurrentContext
	}
	if name != "" {
		cx, err := f.Get(name)
		if err != nil {
			if !explicit {
				return s, fmt.Errorf("current context: %w: pick one with 'connectless config use-context'", err)
			}
			return s, &usageError{err.Error()}
		}
		s = settings{url: cx.URL, auth: cx.Auth, user: cx.Username, password: cx.Password, region: cx.Region, profile: cx.Profile}
		e.ctxName = name
	}
	pick := func(dst *string, flagName, envName string) {
		if v, ok := flagValue(c, flagName); ok {
			*dst = v
		} else if v := e.getenv(envName); envName != "" && v != "" {
			*dst = v
		}
	}
	pick(&s.url, flagURL, "CONNECTLESS_URL")
	pick(&s.auth, flagAuth, "CONNECTLESS_AUTH")
	pick(&s.user, flagUser, "CONNECTLESS_USER")
	pick(&s.password, flagPassword, "CONNECTLESS_PASSWORD")
	pick(&s.region, flagRegion, "")
	pick(&s.profile, flagProfile, "")
	if s.url == "" {
		s.url = client.DefaultURL
	}
	if s.auth == "" && s.user != "" {
		s.auth = cliconfig.AuthBasic
	}
	if err := (cliconfig.Context{Auth: s.auth, Username: s.user}).Validate(); err != nil {
		return s, &usageError{err.Error()}
	}
	return s, nil
}

// printerAndClient returns a command's output printer and then its REST client, the first
// error ending it.
func (e *env) printerAndClient(c *cli.Context) (*output.Printer, *client.Client, error) {
	p, err := e.printer(c)
	if err != nil {
		return nil, nil, err
	}
	cl, err := e.client(c)
	if err != nil {
		return nil, nil, err
	}
	return p, cl, nil
}

// client builds the REST client of a command.
func (e *env) client(c *cli.Context) (*client.Client, error) {
	s, err := e.resolve(c)
	if err != nil {
		return nil, err
	}
	e.url = s.url
	opts := []client.Option{client.WithUserAgent("connectless/" + version)}
	switch s.auth {
	case cliconfig.AuthBasic:
		opts = append(opts, client.WithBasicAuth(s.user, s.password))
	case cliconfig.AuthSigV4:
		ac, err := e.awsConfig(c.Context, s.region, s.profile)
		if err != nil {
			return nil, fmt.Errorf("load AWS configuration for sigv4: %w", err)
		}
		if ac.Region == "" {
			return nil, &usageError{"sigv4 needs a region: pass --region or set AWS_REGION"}
		}
		opts = append(opts, client.WithSigV4(ac.Credentials, ac.Region))
	}
	cl, err := client.New(s.url, opts...)
	if err != nil {
		return nil, &usageError{err.Error() + ": pass a URL such as " + client.DefaultURL}
	}
	return cl, nil
}

// withFlags appends the connection and output flags to a command's own.
func withFlags(flags ...cli.Flag) []cli.Flag {
	return append(append(flags, connFlags()...), outputFlags()...)
}

// examples formats a command description with examples, one per line.
func examples(desc string, lines ...string) string {
	var b strings.Builder
	if desc != "" {
		b.WriteString(desc)
		b.WriteString("\n\n")
	}
	b.WriteString("Examples:\n")
	for _, l := range lines {
		b.WriteString("  ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// oneArg returns the single operand of a command, or a usage error naming it.
func oneArg(c *cli.Context, what string) (string, error) {
	switch c.NArg() {
	case 0:
		return "", usagef("%s: missing %s", c.Command.FullName(), what)
	case 1:
		return c.Args().First(), nil
	}
	return "", usagef("%s: want one %s, got %d arguments", c.Command.FullName(), what, c.NArg())
}

// someArgs returns the operands of a command, at least one.
func someArgs(c *cli.Context, what string) ([]string, error) {
	if c.NArg() == 0 {
		return nil, usagef("%s: missing %s", c.Command.FullName(), what)
	}
	return c.Args().Slice(), nil
}
