package serverless

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/config/workerprops"
	"github.com/connectless/connectless/core/schedule"
)

// ErrWrongTaskFunction is returned by a task function invoked for a connector whose class it
// does not link; the error names the task function that does.
var ErrWrongTaskFunction = errors.New("connector not linked into this task function")

// TaskRoute sends the tasks of some connector classes to a task function of their own. The
// functions link only the connectors they run: the Iceberg sink's library costs a function
// about 48 MB and 150 ms of start-up, which the other connectors' invocations need not pay.
type TaskRoute struct {
	// Names are the connector.class values the route takes: its connectors'
	// connect.Plugin.Names.
	Names []string
	// Function is the task function's name or ARN; empty when Key is not set.
	Function string
	// Key is the worker property that sets Function, named in errors.
	Key string
}

// IcebergRoute is the route of the Iceberg sink's tasks: names are the values that select it
// (light.IcebergNames), the function is iceberg.task.function.name.
func (rt *Runtime) IcebergRoute(names []string) TaskRoute {
	return TaskRoute{Names: names, Function: rt.Config.IcebergTaskFunction, Key: workerprops.KeyIcebergTaskFunction}
}

// routeOf returns the route that takes class, spaces around it ignored as the registry
// ignores them.
func routeOf(routes []TaskRoute, class string) (TaskRoute, bool) {
	class = strings.TrimSpace(class)
	for _, r := range routes {
		if slices.Contains(r.Names, class) {
			return r, true
		}
	}
	return TaskRoute{}, false
}

// function returns the task function of p: its class's route's, or def. A route whose
// function is not set is an error naming the property to set.
func function(routes []TaskRoute, def string, p schedule.Payload) (string, error) {
	r, ok := routeOf(routes, p.Class)
	if !ok {
		return def, nil
	}
	if r.Function == "" {
		what := p.Class
		if p.Connector != "" {
			what = fmt.Sprintf("%q (%s)", p.Connector, p.Class)
		}
		return "", fmt.Errorf("%w: %s (%s): not set; connector %s runs in a task function of its own",
			ErrConfig, r.Key, workerprops.EnvName(r.Key), what)
	}
	return r.Function, nil
}

// linked returns ErrWrongTaskFunction, naming the function to invoke instead, when p's
// connector has a class that this function's registry lacks and one of rt.Elsewhere takes.
// A payload without a class (not made by the scheduler) costs a read of the connector;
// one whose connector cannot be read is left to the invocation.
func (rt *Runtime) linked(ctx context.Context, p schedule.Payload) error {
	if len(rt.Elsewhere) == 0 {
		return nil
	}
	class := p.Class
	if class == "" {
		c, err := rt.Store.Connector(ctx, p.Connector)
		if err != nil {
			return nil
		}
		class = c.Config["connector.class"]
	}
	if _, err := rt.Registry.Lookup(class); err == nil {
		return nil
	}
	r, ok := routeOf(rt.Elsewhere, class)
	if !ok {
		return nil
	}
	fn := r.Function
	if fn == "" {
		fn = "not set"
	}
	return fmt.Errorf("%w: connector %q is a %s, which this task function does not link: its tasks run in the task function named by %s (%s): %s",
		ErrWrongTaskFunction, p.Connector, class, r.Key, workerprops.EnvName(r.Key), fn)
}
