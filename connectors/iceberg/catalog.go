package iceberg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"time"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/glue"
	_ "github.com/apache/iceberg-go/catalog/rest" // the rest catalog type of catalog.Load
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	iceio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // the s3:// file IO of tables
	"github.com/apache/iceberg-go/table"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// OpenCatalog opens the catalog a configuration names; the caller closes it with
// CloseCatalog. It is exported for the CLI's maintenance commands.
func OpenCatalog(ctx context.Context, props map[string]string) (catalog.Catalog, error) {
	s, err := parse(props)
	if err != nil {
		return nil, err
	}
	return s.openCatalog(ctx)
}

// CloseCatalog releases a catalog's connections (the sql catalog's database pool).
func CloseCatalog(c catalog.Catalog) error {
	if cl, ok := c.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// ioProps translates the S3 keys to iceberg-go's file IO properties.
func (s *settings) ioProps() ice.Properties {
	p := ice.Properties{}
	maps.Copy(p, s.catalogProps)
	delete(p, "s3.path-style-access")
	delete(p, "jdbc.user")
	delete(p, "jdbc.password")
	if v, ok := s.catalogProps["s3.path-style-access"]; ok {
		b, _ := strconv.ParseBool(v)
		p[iceio.S3ForceVirtualAddressing] = strconv.FormatBool(!b)
	}
	if r := s.catalogProps["client.region"]; r != "" {
		if p[iceio.S3Region] == "" {
			p[iceio.S3Region] = r
		}
	}
	return p
}

func (s *settings) openCatalog(ctx context.Context) (catalog.Catalog, error) {
	props := s.ioProps()
	switch s.catalogType {
	case CatalogSQL:
		cfg, err := pgConfig(s.catalogProps["uri"], s.catalogProps["jdbc.user"], s.catalogProps["jdbc.password"])
		if err != nil {
			return nil, &keyError{key: CatalogURIConfig, err: err}
		}
		db := stdlib.OpenDB(*cfg)
		delete(props, "uri")
		var c *sqlcat.Catalog
		for attempt := 1; ; attempt++ {
			// Two tasks creating the catalog tables at once: PostgreSQL's CREATE TABLE IF NOT
			// EXISTS can fail the loser with a unique violation; the tables exist on retry.
			if c, err = sqlcat.NewCatalog(s.catalogName, db, sqlcat.Postgres, props); err == nil || attempt == 3 {
				break
			}
			select {
			case <-ctx.Done():
				err = errors.Join(err, ctx.Err())
			case <-time.After(time.Duration(attempt) * 200 * time.Millisecond):
				continue
			}
			break
		}
		if err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("open sql catalog: %w", err)
		}
		return &ownedSQL{Catalog: c, close: db.Close}, nil
	case CatalogREST:
		props["type"] = "rest"
		c, err := catalog.Load(ctx, s.catalogName, props)
		if err != nil {
			return nil, fmt.Errorf("open rest catalog %s: %w", s.catalogProps["uri"], err)
		}
		return c, nil
	case CatalogGlue:
		if r := s.catalogProps["client.region"]; r != "" && props[glue.Region] == "" {
			props[glue.Region] = r
		}
		props["type"] = "glue"
		c, err := catalog.Load(ctx, s.catalogName, props)
		if err != nil {
			return nil, fmt.Errorf("open glue catalog: %w", err)
		}
		return c, nil
	}
	return nil, badKey(CatalogTypeConfig, "unknown catalog type %q", s.catalogType)
}

// ownedSQL is a sql catalog whose database handle Close releases.
type ownedSQL struct {
	*sqlcat.Catalog
	close func() error
}

// Close closes the catalog's database handle.
func (c *ownedSQL) Close() error { return c.close() }

// pgConfig reads a PostgreSQL URL, JDBC form (jdbc:postgresql://host:port/db?user=…) or
// libpq form (postgres://user:pass@host:port/db), adding user and password when given.
func pgConfig(uri, user, password string) (*pgx.ConnConfig, error) {
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

// parseIdent splits namespace.table.
func parseIdent(name string) (table.Identifier, error) {
	id := catalog.ToIdentifier(name)
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
