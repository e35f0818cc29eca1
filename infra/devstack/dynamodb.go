package devstack

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// dynaliteScript is where npm ci puts dynalite, relative to the repository root.
var dynaliteScript = filepath.Join("node_modules", "dynalite", "cli.js")

// dynaliteGuard is preloaded into dynalite so that a client resetting its connection in the
// middle of a request does not end the server (see the script).
//
//go:embed dynalite_guard.js
var dynaliteGuard []byte

// DynamoDB is a running dynalite server, in memory.
type DynamoDB struct {
	// Endpoint is the server's base URL, "http://127.0.0.1:PORT".
	Endpoint string
	// Region is the region to sign requests for.
	Region string
	// AccessKey and SecretKey are static credentials (dynalite accepts any).
	AccessKey, SecretKey string

	proc *process
}

// StartDynamoDB starts dynalite in memory on a free port of 127.0.0.1 and waits until
// ListTables answers. A client that resets its connection in the middle of a request (a
// killed process) does not end the server, as it would end dynalite's own command line. Tables become ACTIVE right after CreateTable returns (dynalite's
// CREATING, UPDATING and DELETING phases are set to 0 ms); callers still wait for ACTIVE as
// they must against DynamoDB.
func StartDynamoDB(ctx context.Context) (*DynamoDB, error) {
	script, node, err := findDynalite()
	if err != nil {
		return nil, fmt.Errorf("dynamodb: %w", err)
	}
	dir, err := newServiceDir("dynamodb")
	if err != nil {
		return nil, err
	}
	guard := filepath.Join(dir, "dynalite_guard.js")
	if err := os.WriteFile(guard, dynaliteGuard, 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("dynamodb: %w", err)
	}
	d := &DynamoDB{
		Region:    DefaultRegion,
		AccessKey: "devstack",
		SecretKey: "devstack-secret",
	}
	cmdFor := func(port int) *exec.Cmd {
		return exec.Command(node, "--require", guard, script,
			"--host", "127.0.0.1", "--port", strconv.Itoa(port),
			"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	}
	checkFor := func(port int) func(ctx context.Context) error {
		d.Endpoint = "http://" + hostPort(port)
		client := d.newClient()
		return func(ctx context.Context) error {
			_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		}
	}
	d.proc, _, err = launch(ctx, "dynamodb", dir, syscall.SIGTERM, cmdFor, checkFor)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("dynamodb: %w", err)
	}
	return d, nil
}

// findDynalite returns dynalite's cli.js and the node binary that runs it.
func findDynalite() (script, node string, err error) {
	root, rerr := RepoRoot()
	if rerr != nil {
		return "", "", &MissingError{Binary: "dynalite", MakeTarget: MakeDeps, Searched: []string{dynaliteScript}}
	}
	script = filepath.Join(root, dynaliteScript)
	if _, serr := os.Stat(script); serr != nil {
		return "", "", &MissingError{Binary: "dynalite", MakeTarget: MakeDeps, Searched: []string{script}}
	}
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", &MissingError{Binary: "node", MakeTarget: MakeDeps, Searched: []string{"$PATH"}}
	}
	return script, node, nil
}

// AWSConfig returns static credentials and the region, with no endpoint baked in.
func (d *DynamoDB) AWSConfig(ctx context.Context) (aws.Config, error) {
	return staticConfig(d.Region, d.AccessKey, d.SecretKey), nil
}

// NewClient returns a DynamoDB client with BaseEndpoint set to the server.
func (d *DynamoDB) NewClient(ctx context.Context) (*dynamodb.Client, error) {
	return d.newClient(), nil
}

func (d *DynamoDB) newClient() *dynamodb.Client {
	return dynamodb.NewFromConfig(staticConfig(d.Region, d.AccessKey, d.SecretKey), func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(d.Endpoint)
	})
}

// Env returns the standard AWS environment variables that point an SDK at this server.
func (d *DynamoDB) Env() []string {
	return []string{
		"AWS_ENDPOINT_URL_DYNAMODB=" + d.Endpoint,
		"AWS_ACCESS_KEY_ID=" + d.AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + d.SecretKey,
		"AWS_REGION=" + d.Region,
	}
}

// Close stops the server; its data is gone with it. It is safe to call more than once.
func (d *DynamoDB) Close() error {
	if d == nil || d.proc == nil {
		return errors.New("dynamodb: not started")
	}
	return d.proc.close()
}
