package schemaregistry

import (
	"context"
	"fmt"

	"github.com/connectless/connectless/core/connect/transient"
)

// Reachable asks the registry for its subjects with the configured authentication and TLS,
// so that a registry that is down, a wrong URL or refused credentials show before a task
// runs. prefix is the converter's key prefix ("value.converter."), named in the error so
// that it says which keys to change.
func (r *Registry) Reachable(ctx context.Context, prefix string) error {
	r.calls.Add(1)
	_, err := r.cl.Subjects(ctx)
	if err == nil {
		return nil
	}
	err = classify(err, "list subjects")
	if transient.Is(err) {
		return fmt.Errorf("%w; check %s%s and that the registry runs", err, prefix, URLKey)
	}
	return err
}
