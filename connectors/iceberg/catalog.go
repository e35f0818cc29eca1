package iceberg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strconv"
	"time"

	ice "github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/glue"
	_ "github.com/apache/iceberg-go/catalog/rest" // the rest catalog type of catalog.Load
	sqlcat "github.com/apache/iceberg-go/catalog/sql"
	iceio "github.com/apache/iceberg-go/io"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // the s3:// file IO of tables
	"github.com/apache/iceberg-go/table"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// OpenCatalog opens the catalog a configuration names; the caller closes it with
// CloseCatalog. It is exported for the CLI's maintenance commands.
func OpenCatalog(ctx context.Context, props map[string]string) (catalog.Catalog, error) {
	s, err := parse(props)
	if err != nil {
		return nil, err
	}
	return openCatalog(ctx, s)
}

// CloseCatalog releases a catalog's connections (the sql catalog's database pool).
func CloseCatalog(c catalog.Catalog) error {
	if cl, ok := c.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// ioProps translates the S3 keys to iceberg-go's file IO properties.
func ioProps(s *settings) ice.Properties {
	p := ice.Properties{}
	maps.Copy(p, s.CatalogProps)
	delete(p, "s3.path-style-access")
	delete(p, "jdbc.user")
	delete(p, "jdbc.password")
	if v, ok := s.CatalogProps["s3.path-style-access"]; ok {
		b, _ := strconv.ParseBool(v)
		p[iceio.S3ForceVirtualAddressing] = strconv.FormatBool(!b)
	}
	if r := s.CatalogProps["client.region"]; r != "" {
		if p[iceio.S3Region] == "" {
			p[iceio.S3Region] = r
		}
	}
	return p
}

func openCatalog(ctx context.Context, s *settings) (catalog.Catalog, error) {
	props := ioProps(s)
	switch s.CatalogType {
	case CatalogSQL:
		cfg, err := icebergconfig.PGConfig(s.CatalogProps["uri"], s.CatalogProps["jdbc.user"], s.CatalogProps["jdbc.password"])
		if err != nil {
			return nil, &keyError{Key: CatalogURIConfig, Err: err}
		}
		db := stdlib.OpenDB(*cfg)
		delete(props, "uri")
		var c *sqlcat.Catalog
		for attempt := 1; ; attempt++ {
			// Two tasks creating the catalog tables at once: PostgreSQL's CREATE TABLE IF NOT
			// EXISTS can fail the loser with a unique violation; the tables exist on retry.
			if c, err = sqlcat.NewCatalog(s.CatalogName, db, sqlcat.Postgres, props); err == nil || attempt == 3 {
				break
			}
			if serr := connect.Sleep(ctx, time.Duration(attempt)*200*time.Millisecond); serr != nil {
				err = errors.Join(err, serr)
				break
			}
		}
		if err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("open sql catalog: %w", err)
		}
		return &ownedSQL{Catalog: c, close: db.Close}, nil
	case CatalogREST:
		props["type"] = "rest"
		c, err := catalog.Load(ctx, s.CatalogName, props)
		if err != nil {
			return nil, fmt.Errorf("open rest catalog %s: %w", s.CatalogProps["uri"], err)
		}
		return c, nil
	case CatalogGlue:
		if r := s.CatalogProps["client.region"]; r != "" && props[glue.Region] == "" {
			props[glue.Region] = r
		}
		props["type"] = "glue"
		c, err := catalog.Load(ctx, s.CatalogName, props)
		if err != nil {
			return nil, fmt.Errorf("open glue catalog: %w", err)
		}
		return c, nil
	}
	return nil, &keyError{Key: CatalogTypeConfig, Err: fmt.Errorf("%w: unknown catalog type %q", ErrConfig, s.CatalogType)}
}

// ownedSQL is a sql catalog whose database handle Close releases.
type ownedSQL struct {
	*sqlcat.Catalog
	close func() error
}

// Close closes the catalog's database handle.
func (c *ownedSQL) Close() error { return c.close() }

// parseIdent splits namespace.table (icebergconfig.SplitIdent).
func parseIdent(name string) (table.Identifier, error) {
	id, err := icebergconfig.SplitIdent(name)
	if err != nil {
		return nil, err
	}
	return table.Identifier(id), nil
}
