package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/connectless/connectless/core/console"
)

func uiCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "ui",
		Usage: "serve the web console on this machine for a Connect REST endpoint (any Kafka Connect)",
		Description: examples("Serves the console's pages on --listen and forwards the API calls they make to the\n"+
			"context's REST endpoint with its authentication (none, basic or sigv4), as kubectl proxy\n"+
			"does: the browser needs no credentials. Only loopback addresses may be listened on, and\n"+
			"requests that change state must come from the console's pages. Ctrl-C stops it.",
			"connectless ui",
			"connectless ui --context prod",
			"connectless ui --url http://connect:8083 --listen 127.0.0.1:9000"),
		Flags:  append([]cli.Flag{&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8084", Usage: "loopback address to serve the console on"}}, connFlags()...),
		Action: e.ui,
	}
}

func (e *env) ui(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("ui takes no arguments, got %q", c.Args().First())
	}
	host, _, err := net.SplitHostPort(c.String("listen"))
	if err != nil {
		return usagef("--listen %q: %v", c.String("listen"), err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--listen %q: the console proxy adds credentials to what it forwards, so it listens only on a loopback address such as 127.0.0.1", c.String("listen"))
	}
	cl, err := e.client(c)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: console.Proxy(cl.Forward), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "console for %s on http://%s/ui/ (Ctrl-C stops it)\n", cl.URL(), l.Addr())
	go func() {
		<-c.Context.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
