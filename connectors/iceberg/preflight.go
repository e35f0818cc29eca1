package iceberg

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/iceberg-go/catalog"

	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// PreflightChecks lists what Preflight checks.
func (c *Connector) PreflightChecks() []string {
	return []string{
		"The catalog opens: the sql catalog's database accepts the connection (and its catalog tables exist or can be created); the REST service answers.",
		"Each table of iceberg.tables exists, unless iceberg.tables.auto-create-enabled is true.",
		"In the Lambda deployment the REST function, which does not link the catalog client, has the Iceberg task function (iceberg.task.function.name) run the two checks above for validation, create and update, and reports what they found on the same keys; a finding on connector.class says when that function is not set or cannot be invoked.",
	}
}

// Preflight opens the catalog and loads the configured tables.
func (c *Connector) Preflight(ctx context.Context, props map[string]string, results *connect.ConfigInfos) error {
	s, err := parse(props)
	if err != nil {
		return nil // the Validator reports it
	}
	cat, err := openCatalog(ctx, s)
	if err != nil {
		results.AddError(CatalogURIConfig, fmt.Sprintf("cannot open the %s catalog at %s: %v", s.CatalogType, redactURI(s.CatalogProps["uri"]), err))
		return nil
	}
	defer CloseCatalog(cat)
	if s.AutoCreate {
		return nil
	}
	for _, name := range s.Tables {
		ident, _ := parseIdent(name)
		if _, err := cat.LoadTable(ctx, ident); errors.Is(err, catalog.ErrNoSuchTable) || errors.Is(err, catalog.ErrNoSuchNamespace) {
			results.AddError(TablesConfig, missingTable(s, name))
		} else if err != nil {
			results.AddError(TablesConfig, fmt.Sprintf("cannot load table %s: %v", name, err))
		}
	}
	return nil
}

// missingTable is the finding about a configured table that does not exist.
func missingTable(s *settings, name string) string {
	return fmt.Sprintf("table %s does not exist in catalog %s: create it or set %s=true", name, s.CatalogName, AutoCreateConfig)
}

// redactURI drops the password of a database URL.
func redactURI(uri string) string {
	cfg, err := icebergconfig.PGConfig(uri, "", "")
	if err != nil {
		return "(the configured URI)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

var _ connect.Preflighter = (*Connector)(nil)
