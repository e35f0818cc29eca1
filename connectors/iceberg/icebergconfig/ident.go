package icebergconfig

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// SplitIdent splits namespace.table at the dots (nested namespaces as a.b.table), as
// iceberg-go's catalog.ToIdentifier does, and checks there is a namespace and no empty part.
func SplitIdent(name string) ([]string, error) {
	id := strings.Split(name, ".")
	if len(id) < 2 {
		return nil, fmt.Errorf("%w: table %q has no namespace; want namespace.table", ErrConfig, name)
	}
	for _, p := range id {
		if p == "" {
			return nil, fmt.Errorf("%w: table %q has an empty part", ErrConfig, name)
		}
	}
	return id, nil
}

// PGConfig reads a PostgreSQL URL, JDBC form (jdbc:postgresql://host:port/db?user=…) or
// libpq form (postgres://user:pass@host:port/db), adding user and password when given.
func PGConfig(uri, user, password string) (*pgx.ConnConfig, error) {
	uri = strings.TrimSpace(uri)
	switch {
	case strings.HasPrefix(uri, "jdbc:postgresql:"):
		uri = "postgres:" + strings.TrimPrefix(uri, "jdbc:postgresql:")
	case strings.HasPrefix(uri, "jdbc:"):
		return nil, fmt.Errorf("%w: only PostgreSQL databases are supported by the sql catalog here, not %q", ErrConfig, strings.SplitN(uri, ":", 3)[1])
	case strings.HasPrefix(uri, "postgres://"), strings.HasPrefix(uri, "postgresql://"):
	default:
		return nil, fmt.Errorf("%w: want jdbc:postgresql://host:port/db or postgres://host:port/db", ErrConfig)
	}
	if u, err := url.Parse(uri); err == nil {
		q := u.Query()
		// JDBC spells the credentials as query parameters; libpq reads them too.
		if q.Has("user") || q.Has("password") {
			uri = u.String()
		}
	}
	cfg, err := pgx.ParseConfig(uri)
	if err != nil {
		return nil, fmt.Errorf("%w: catalog URI: %w", ErrConfig, err)
	}
	if user != "" {
		cfg.User = user
	}
	if password != "" {
		cfg.Password = password
	}
	return cfg, nil
}
