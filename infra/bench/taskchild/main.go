// Command taskchild is the task process of the memory benchmark (P2): it runs one worker
// archive job read as JSON on its standard input (package archivejob) and writes the result,
// peak RSS included, to its standard output. It links what the task function links (the
// runtime and every connector but the Iceberg sink; no CLI, console or REST API), so its
// resident memory is the task function's; `make bench` builds it as the functions are built
// (stripped, -trimpath) and hands it to `connectless bench --memory-child`.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/connectless/connectless/infra/bench/archivejob"
)

func main() {
	runners := map[string]archivejob.Runner{archivejob.KindWorker: archivejob.Worker(archivejob.ConnectorConfig)}
	if err := archivejob.RunChild(context.Background(), os.Stdin, os.Stdout, runners); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
