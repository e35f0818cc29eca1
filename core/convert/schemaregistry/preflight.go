package schemaregistry

import (
	"context"
	"fmt"
	"strings"
)

// Reachable asks the registry for its subjects with the configured authentication and TLS,
// so that a registry that is down, a wrong URL or refused credentials show before a task
// runs. prefix is the converter's key prefix ("value.converter."), named in the error so
// that it says which keys to change.
func (r *Registry) Reachable(ctx context.Context, prefix string) error {
	r.calls.Add(1)
	if _, err := r.cl.Subjects(ctx); err != nil {
		return fmt.Errorf("Schema Registry at %s: %w; check %s%s and the converter's auth keys",
			strings.Join(r.settings.URLs, ","), classify(err, "list subjects"), prefix, URLKey)
	}
	return nil
}
