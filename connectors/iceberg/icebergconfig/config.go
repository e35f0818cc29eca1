package icebergconfig

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = "0.1.0"

// ConnectorClass is the class name users put in connector.class (the Apache Iceberg sink's);
// IcebergSinkConnector and IcebergSink are accepted too.
const ConnectorClass = "org.apache.iceberg.connect.IcebergSinkConnector"

// Config keys, as the Apache Iceberg sink spells them.
const (
	TablesConfig            = "iceberg.tables"
	DynamicEnabledConfig    = "iceberg.tables.dynamic-enabled"
	RouteFieldConfig        = "iceberg.tables.route-field"
	AutoCreateConfig        = "iceberg.tables.auto-create-enabled"
	EvolveSchemaConfig      = "iceberg.tables.evolve-schema-enabled"
	ForceOptionalConfig     = "iceberg.tables.schema-force-optional"
	CaseInsensitiveConfig   = "iceberg.tables.schema-case-insensitive"
	PartitionByConfig       = "iceberg.tables.default-partition-by"
	IDColumnsConfig         = "iceberg.tables.default-id-columns"
	UpsertModeConfig        = "iceberg.tables.upsert-mode-enabled"
	CDCFieldConfig          = "iceberg.tables.cdc-field"
	CommitBranchConfig      = "iceberg.tables.default-commit-branch"
	CommitIntervalConfig    = "iceberg.control.commit.interval-ms"
	CommitTimeoutConfig     = "iceberg.control.commit.timeout-ms"
	CommitThreadsConfig     = "iceberg.control.commit.threads"
	ControlTopicConfig      = "iceberg.control.topic"
	GroupIDConfig           = "iceberg.connect.group-id"
	HadoopConfDirConfig     = "iceberg.hadoop-conf-dir"
	AutoCreatePropsPrefix   = "iceberg.tables.auto-create-props."
	CatalogPrefix           = "iceberg.catalog."
	TablePrefix             = "iceberg.table."
	CatalogTypeConfig       = "iceberg.catalog.type"
	CatalogImplConfig       = "iceberg.catalog.catalog-impl"
	CatalogURIConfig        = "iceberg.catalog.uri"
	CatalogWarehouseConfig  = "iceberg.catalog.warehouse"
	CatalogIOImplConfig     = "iceberg.catalog.io-impl"
	CatalogNameConfig       = "iceberg.catalog.name"
	S3EndpointConfig        = "iceberg.catalog.s3.endpoint"
	S3PathStyleConfig       = "iceberg.catalog.s3.path-style-access"
	S3AccessKeyConfig       = "iceberg.catalog.s3.access-key-id"
	S3SecretKeyConfig       = "iceberg.catalog.s3.secret-access-key"
	ClientRegionConfig      = "iceberg.catalog.client.region"
	JDBCUserConfig          = "iceberg.catalog.jdbc.user"
	JDBCPasswordConfig      = "iceberg.catalog.jdbc.password"
	RESTCredentialConfig    = "iceberg.catalog.credential"
	RESTTokenConfig         = "iceberg.catalog.token"
	TargetFileSizeConfig    = "iceberg.tables.target-file-size-bytes"
	defaultTargetFileSize   = 512 << 20 // Iceberg's write.target-file-size-bytes default
	defaultCommitIntervalMs = 300000
)

// Catalog types of iceberg.catalog.type.
const (
	CatalogSQL  = "sql"
	CatalogJDBC = "jdbc"
	CatalogREST = "rest"
	CatalogGlue = "glue"
)

// Java catalog-impl and io-impl class names accepted in place of iceberg.catalog.type.
var catalogImpls = map[string]string{
	"org.apache.iceberg.jdbc.JdbcCatalog":     CatalogSQL,
	"org.apache.iceberg.rest.RESTCatalog":     CatalogREST,
	"org.apache.iceberg.aws.glue.GlueCatalog": CatalogGlue,
}

var ioImpls = []string{"org.apache.iceberg.aws.s3.S3FileIO", "org.apache.iceberg.io.ResolvingFileIO"}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid iceberg sink configuration")

const (
	groupTables  = "Tables"
	groupCatalog = "Catalog"
	groupControl = "Control"
)

// ConfigDef describes the keys every configuration has; the prefixed keys (iceberg.catalog.*,
// iceberg.table.<name>.*, iceberg.tables.auto-create-props.*) are listed in the page intro
// and checked by Parse.
func ConfigDef() *connect.ConfigDef {
	d := connect.NewConfigDef()
	order := map[string]int{}
	def := func(group, name string, t connect.ConfigType, dflt any, imp connect.Importance, doc string, val connect.ConfigValidator) {
		order[group]++
		d.Define(connect.ConfigKey{Name: name, Type: t, Default: dflt, Importance: imp, Group: group,
			OrderInGroup: order[group], Doc: doc, Validator: val})
	}
	def(groupTables, TablesConfig, connect.ConfigList, "", connect.High,
		"Tables to write, comma-separated, each namespace.table (nested namespaces as a.b.table). Required unless iceberg.tables.dynamic-enabled. Default empty. Mirrors the Apache Iceberg sink's iceberg.tables.", nil)
	def(groupTables, DynamicEnabledConfig, connect.ConfigBoolean, false, connect.Medium,
		"Route each record to the table named by its iceberg.tables.route-field value (lower-cased). Default false. Mirrors iceberg.tables.dynamic-enabled.", nil)
	def(groupTables, RouteFieldConfig, connect.ConfigString, "", connect.Medium,
		"Value field (dotted for nested) that routes records: the table name with dynamic routing, or the value matched against iceberg.table.<name>.route-regex with static tables. Default empty (every record to every table of iceberg.tables). Mirrors iceberg.tables.route-field.", nil)
	def(groupTables, AutoCreateConfig, connect.ConfigBoolean, false, connect.Medium,
		"Create a missing table (and its namespace) from the first record's schema. Default false. Mirrors iceberg.tables.auto-create-enabled.", nil)
	def(groupTables, EvolveSchemaConfig, connect.ConfigBoolean, false, connect.Medium,
		"Add new record fields as optional columns and widen int to long and float to double; without it fields the table lacks are not written (as in the Apache sink). Default false. Mirrors iceberg.tables.evolve-schema-enabled.", nil)
	def(groupTables, ForceOptionalConfig, connect.ConfigBoolean, false, connect.Low,
		"Create every column optional, whatever the Connect schema says. Default false. Mirrors iceberg.tables.schema-force-optional.", nil)
	def(groupTables, CaseInsensitiveConfig, connect.ConfigBoolean, false, connect.Low,
		"Match record fields to columns ignoring case. Only false is accepted (not implemented). Default false. Mirrors iceberg.tables.schema-case-insensitive.",
		connect.OnlyValues("case-insensitive column matching is not implemented", "false"))
	def(groupTables, PartitionByConfig, connect.ConfigString, "", connect.Medium,
		"Partition spec of auto-created tables: comma-separated terms col, identity(col), year(col), month(col), day(col), hour(col), bucket(col, N), truncate(col, W). Default empty (unpartitioned). Mirrors iceberg.tables.default-partition-by.", nil)
	def(groupTables, IDColumnsConfig, connect.ConfigList, "", connect.Low,
		"Identifier columns of auto-created tables; only used by upsert mode, which is not implemented, so only the empty default is accepted. Default empty. Mirrors iceberg.tables.default-id-columns.",
		connect.OnlyValues("identifier columns are only used by upsert mode, which is not implemented", ""))
	def(groupTables, UpsertModeConfig, connect.ConfigBoolean, false, connect.Low,
		"Upsert with equality deletes. Only false is accepted (not implemented: every record is appended). Default false. Mirrors iceberg.tables.upsert-mode-enabled.",
		connect.OnlyValues("upsert mode (equality deletes) is not implemented; records are appended", "false"))
	def(groupTables, CDCFieldConfig, connect.ConfigString, "", connect.Low,
		"Field holding the CDC operation. Only empty is accepted (not implemented). Default empty. Mirrors iceberg.tables.cdc-field.",
		connect.OnlyValues("CDC mode (equality and position deletes) is not implemented", ""))
	def(groupTables, CommitBranchConfig, connect.ConfigString, "", connect.Low,
		"Branch to commit to. Only empty (main) is accepted (not implemented). Default empty. Mirrors iceberg.tables.default-commit-branch.",
		connect.OnlyValues("commits go to the main branch only", "", "main"))
	def(groupTables, TargetFileSizeConfig, connect.ConfigLong, int64(defaultTargetFileSize), connect.Medium,
		"Size a data file is rolled at, and the buffer size after which records are written out before the commit. "+
			"A table's write.target-file-size-bytes property, when set, wins for its data files. Default 536870912 (Iceberg's write.target-file-size-bytes default). This connector's.",
		connect.AtLeast[int64](1<<20))
	def(groupCatalog, CatalogTypeConfig, connect.ConfigString, "", connect.High,
		"Catalog type: sql (jdbc is the same), rest or glue. Required unless iceberg.catalog.catalog-impl names a known class. Default empty. Mirrors the Apache sink's iceberg.catalog.type.", nil)
	def(groupCatalog, CatalogImplConfig, connect.ConfigString, "", connect.Low,
		"Java catalog class: org.apache.iceberg.jdbc.JdbcCatalog, org.apache.iceberg.rest.RESTCatalog or org.apache.iceberg.aws.glue.GlueCatalog, read as the matching iceberg.catalog.type. Default empty. Mirrors iceberg.catalog.catalog-impl.", nil)
	def(groupCatalog, CatalogURIConfig, connect.ConfigString, "", connect.High,
		"Catalog URI: for sql a PostgreSQL URL (jdbc:postgresql://host:port/db or postgres://user:pass@host:port/db); for rest the service's base URL. Default empty. Mirrors iceberg.catalog.uri.", nil)
	def(groupCatalog, CatalogWarehouseConfig, connect.ConfigString, "", connect.High,
		"Warehouse location of new tables, e.g. s3://bucket/warehouse (for rest, the warehouse name the service expects). Default empty. Mirrors iceberg.catalog.warehouse.", nil)
	def(groupCatalog, CatalogNameConfig, connect.ConfigString, "iceberg", connect.Low,
		"Catalog name (the catalog_name column of the sql catalog). Default iceberg. Mirrors the Apache sink's iceberg.catalog.", nil)
	def(groupCatalog, CatalogIOImplConfig, connect.ConfigString, "", connect.Low,
		"File IO class; S3FileIO and ResolvingFileIO are accepted (files are read and written by location scheme: s3://, file://). Default empty. Mirrors iceberg.catalog.io-impl.",
		connect.OnlyValues("only org.apache.iceberg.aws.s3.S3FileIO and org.apache.iceberg.io.ResolvingFileIO are supported", append([]string{""}, ioImpls...)...))
	def(groupCatalog, S3EndpointConfig, connect.ConfigString, "", connect.Medium,
		"S3 endpoint for S3-compatible stores. Default empty (AWS). Mirrors S3FileIO's s3.endpoint.", nil)
	def(groupCatalog, S3PathStyleConfig, connect.ConfigBoolean, false, connect.Low,
		"Path-style S3 requests; with s3.endpoint set they are path-style unless this is explicitly false. Default false. Mirrors S3FileIO's s3.path-style-access.", nil)
	def(groupCatalog, S3AccessKeyConfig, connect.ConfigString, "", connect.Low,
		"Static S3 access key; empty uses the AWS SDK's default chain (environment, shared files, IAM role). Default empty. Mirrors S3FileIO's s3.access-key-id.", nil)
	def(groupCatalog, S3SecretKeyConfig, connect.ConfigPassword, "", connect.Low,
		"Static S3 secret key, with s3.access-key-id. Default empty. Mirrors S3FileIO's s3.secret-access-key.", nil)
	def(groupCatalog, ClientRegionConfig, connect.ConfigString, "", connect.Low,
		"AWS region of S3 and Glue; empty uses the SDK's (AWS_REGION, profile). Default empty. Mirrors Iceberg's client.region.", nil)
	def(groupCatalog, JDBCUserConfig, connect.ConfigString, "", connect.Low,
		"Database user of the sql catalog (when the URI has none). Default empty. Mirrors JdbcCatalog's jdbc.user.", nil)
	def(groupCatalog, JDBCPasswordConfig, connect.ConfigPassword, "", connect.Low,
		"Database password of the sql catalog. Default empty. Mirrors JdbcCatalog's jdbc.password.", nil)
	def(groupCatalog, RESTCredentialConfig, connect.ConfigPassword, "", connect.Low,
		"REST catalog OAuth2 client credential, client_id:client_secret. Default empty. Mirrors RESTCatalog's credential.", nil)
	def(groupCatalog, RESTTokenConfig, connect.ConfigPassword, "", connect.Low,
		"REST catalog bearer token. Default empty. Mirrors RESTCatalog's token.", nil)
	def(groupControl, CommitIntervalConfig, connect.ConfigInt, int32(defaultCommitIntervalMs), connect.Medium,
		"Commit cadence within a slice: a snapshot is committed when this long passed since the last one, and always at the end of the slice. Default 300000. Mirrors iceberg.control.commit.interval-ms.",
		connect.AtLeast[int32](1))
	def(groupControl, GroupIDConfig, connect.ConfigString, "", connect.Low,
		"Group id in the snapshot summary's kafka.connect.offsets.<topic>.<group-id> keys. Default empty, meaning connect-<connector name>. Mirrors iceberg.connect.group-id.", nil)
	def(groupControl, ControlTopicConfig, connect.ConfigString, "control-iceberg", connect.Low,
		"Control topic of the Apache sink's coordinator. No effect here: each slice commits its own snapshot, conditioned on the snapshot it read, so no coordinator or control topic is needed. Default control-iceberg. Mirrors iceberg.control.topic.", nil)
	def(groupControl, CommitTimeoutConfig, connect.ConfigInt, int32(30000), connect.Low,
		"Coordinator wait for worker replies. No effect here (no coordinator). Default 30000. Mirrors iceberg.control.commit.timeout-ms.", nil)
	def(groupControl, CommitThreadsConfig, connect.ConfigInt, int32(0), connect.Low,
		"Coordinator commit threads. No effect here: tables are committed one after the other. Default 0. Mirrors iceberg.control.commit.threads.", nil)
	def(groupControl, HadoopConfDirConfig, connect.ConfigString, "", connect.Low,
		"Hadoop configuration directory. Only empty is accepted (no Hadoop here). Default empty. Mirrors iceberg.hadoop-conf-dir.",
		connect.OnlyValues("Hadoop configuration is not supported; use the iceberg.catalog.* keys", ""))
	return d
}

// TableConfig holds a table's iceberg.table.<name>.* overrides.
type TableConfig struct {
	PartitionBy []string       // partition-by (nil: iceberg.tables.default-partition-by)
	RouteRegex  *regexp.Regexp // route-regex
}

// Settings is a parsed configuration (Parse); the Iceberg sink's task reads it.
type Settings struct {
	Tables          []string
	Dynamic         bool
	RouteField      string
	AutoCreate      bool
	Evolve          bool
	ForceOptional   bool
	PartitionBy     []string
	TargetFileSize  int64
	CommitInterval  time.Duration
	GroupID         string
	CatalogType     string
	CatalogName     string
	CatalogProps    map[string]string // iceberg.catalog.* without the prefix (type and catalog-impl removed)
	AutoCreateProps map[string]string
	TableConfigs    map[string]TableConfig
}

// KeyError is a configuration error about one key.
type KeyError struct {
	Key string // the key at fault
	Err error  // wraps ErrConfig
}

func (e *KeyError) Error() string { return e.Key + ": " + e.Err.Error() }
func (e *KeyError) Unwrap() error { return e.Err }

func badKey(key, format string, args ...any) error {
	return &KeyError{Key: key, Err: fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))}
}

// catalogKeys are the iceberg.catalog.* keys accepted beyond the ConfigDef's: other catalog
// properties iceberg-go reads for its catalogs (REST OAuth2 and SigV4, Glue).
var catalogKeys = []string{
	"iceberg.catalog.oauth2-server-uri", "iceberg.catalog.scope", "iceberg.catalog.prefix",
	"iceberg.catalog.rest.sigv4-enabled", "iceberg.catalog.rest.signing-region", "iceberg.catalog.rest.signing-name",
	"iceberg.catalog.glue.id", "iceberg.catalog.glue.region", "iceberg.catalog.s3.region", "iceberg.catalog.s3.session-token",
}

// Parse reads a configuration; errors name the key at fault (*KeyError) and wrap ErrConfig.
func Parse(props map[string]string) (*Settings, error) {
	v, err := ConfigDef().Parse(props)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	s := &Settings{
		Tables:          trimAll(v.List(TablesConfig)),
		Dynamic:         v.Bool(DynamicEnabledConfig),
		RouteField:      strings.TrimSpace(v.String(RouteFieldConfig)),
		AutoCreate:      v.Bool(AutoCreateConfig),
		Evolve:          v.Bool(EvolveSchemaConfig),
		ForceOptional:   v.Bool(ForceOptionalConfig),
		PartitionBy:     splitTerms(v.String(PartitionByConfig)),
		TargetFileSize:  v.Long(TargetFileSizeConfig),
		CommitInterval:  time.Duration(v.Int(CommitIntervalConfig)) * time.Millisecond,
		GroupID:         strings.TrimSpace(v.String(GroupIDConfig)),
		CatalogName:     strings.TrimSpace(v.String(CatalogNameConfig)),
		CatalogProps:    map[string]string{},
		AutoCreateProps: map[string]string{},
		TableConfigs:    map[string]TableConfig{},
	}
	if s.GroupID == "" {
		s.GroupID = "connect-" + props["name"]
	}
	switch {
	case s.Dynamic && s.RouteField == "":
		return nil, badKey(RouteFieldConfig, "dynamic routing (%s=true) needs a route field", DynamicEnabledConfig)
	case s.Dynamic && len(s.Tables) > 0:
		return nil, badKey(TablesConfig, "give either a table list or dynamic routing, not both")
	case !s.Dynamic && len(s.Tables) == 0:
		return nil, badKey(TablesConfig, "no table: list one or more tables or enable %s", DynamicEnabledConfig)
	}
	for _, t := range s.Tables {
		if _, err := SplitIdent(t); err != nil {
			return nil, &KeyError{Key: TablesConfig, Err: err}
		}
	}
	if err := s.parseCatalog(v, props); err != nil {
		return nil, err
	}
	if err := s.parsePrefixed(props); err != nil {
		return nil, err
	}
	if _, err := ParsePartitionTerms(s.PartitionBy); err != nil {
		return nil, &KeyError{Key: PartitionByConfig, Err: err}
	}
	return s, nil
}

// parseCatalog reads the catalog type and copies the catalog properties.
func (s *Settings) parseCatalog(v connect.Values, props map[string]string) error {
	s.CatalogType = strings.ToLower(strings.TrimSpace(v.String(CatalogTypeConfig)))
	if impl := strings.TrimSpace(v.String(CatalogImplConfig)); impl != "" {
		t, ok := catalogImpls[impl]
		if !ok {
			return badKey(CatalogImplConfig, "catalog class %q is not supported; use %s", impl, strings.Join(slices.Sorted(maps.Keys(catalogImpls)), ", "))
		}
		if s.CatalogType != "" && s.CatalogType != t && !(s.CatalogType == CatalogJDBC && t == CatalogSQL) {
			return badKey(CatalogImplConfig, "%s names a %s catalog but %s is %s", impl, t, CatalogTypeConfig, s.CatalogType)
		}
		s.CatalogType = t
	}
	switch s.CatalogType {
	case CatalogSQL, CatalogJDBC:
		s.CatalogType = CatalogSQL
		if strings.TrimSpace(v.String(CatalogURIConfig)) == "" {
			return badKey(CatalogURIConfig, "the sql catalog needs the database URI")
		}
		if _, err := PGConfig(v.String(CatalogURIConfig), "", ""); err != nil {
			return &KeyError{Key: CatalogURIConfig, Err: err}
		}
		if strings.TrimSpace(v.String(CatalogWarehouseConfig)) == "" {
			return badKey(CatalogWarehouseConfig, "the sql catalog needs a warehouse location, e.g. s3://bucket/warehouse")
		}
	case CatalogREST:
		if strings.TrimSpace(v.String(CatalogURIConfig)) == "" {
			return badKey(CatalogURIConfig, "the rest catalog needs the service URL")
		}
	case CatalogGlue:
	case "":
		return badKey(CatalogTypeConfig, "no catalog: set %s to sql, rest or glue", CatalogTypeConfig)
	default:
		if s.CatalogType == "hive" || s.CatalogType == "hadoop" || s.CatalogType == "nessie" {
			return badKey(CatalogTypeConfig, "catalog type %q is not supported; use sql, rest (Nessie and Polaris serve the REST protocol) or glue", s.CatalogType)
		}
		return badKey(CatalogTypeConfig, "unknown catalog type %q; use sql, rest or glue", s.CatalogType)
	}
	known := map[string]bool{}
	for _, k := range ConfigDef().Names() {
		known[k] = true
	}
	for _, k := range catalogKeys {
		known[k] = true
	}
	for k, val := range props {
		if !strings.HasPrefix(k, CatalogPrefix) || k == CatalogTypeConfig || k == CatalogImplConfig || k == CatalogNameConfig || k == CatalogIOImplConfig {
			continue
		}
		if !known[k] && !strings.HasPrefix(k, "iceberg.catalog.header.") {
			return badKey(k, "catalog property %q is not supported", strings.TrimPrefix(k, CatalogPrefix))
		}
		if strings.TrimSpace(val) != "" {
			s.CatalogProps[strings.TrimPrefix(k, CatalogPrefix)] = strings.TrimSpace(val)
		}
	}
	return nil
}

// parsePrefixed reads iceberg.table.<name>.* and iceberg.tables.auto-create-props.*.
func (s *Settings) parsePrefixed(props map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(props)) {
		val := strings.TrimSpace(props[k])
		switch {
		case strings.HasPrefix(k, AutoCreatePropsPrefix):
			s.AutoCreateProps[strings.TrimPrefix(k, AutoCreatePropsPrefix)] = val
		case strings.HasPrefix(k, TablePrefix):
			rest := strings.TrimPrefix(k, TablePrefix)
			i := strings.LastIndex(rest, ".")
			if i <= 0 {
				return badKey(k, "want iceberg.table.<table>.<setting>")
			}
			name, opt := rest[:i], rest[i+1:]
			tc := s.TableConfigs[name]
			switch opt {
			case "partition-by":
				tc.PartitionBy = splitTerms(val)
				if _, err := ParsePartitionTerms(tc.PartitionBy); err != nil {
					return &KeyError{Key: k, Err: err}
				}
			case "route-regex":
				re, err := regexp.Compile("^(?:" + val + ")$")
				if err != nil {
					return badKey(k, "not a regular expression: %v", err)
				}
				tc.RouteRegex = re
			case "id-columns":
				if val != "" {
					return badKey(k, "identifier columns are only used by upsert mode, which is not implemented")
				}
			case "commit-branch":
				if val != "" && val != "main" {
					return badKey(k, "commits go to the main branch only")
				}
			default:
				return badKey(k, "unknown table setting %q; supported: partition-by, route-regex", opt)
			}
			s.TableConfigs[name] = tc
		}
	}
	if v, ok := s.AutoCreateProps["format-version"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 3 {
			return badKey(AutoCreatePropsPrefix+"format-version", "want 1, 2 or 3")
		}
	}
	return nil
}

// PartitionFor returns the partition terms of a table: its iceberg.table.<name>.partition-by,
// else iceberg.tables.default-partition-by.
func (s *Settings) PartitionFor(name string) []string {
	if tc, ok := s.TableConfigs[name]; ok && tc.PartitionBy != nil {
		return tc.PartitionBy
	}
	return s.PartitionBy
}

// splitTerms splits a partition-by list at the commas outside parentheses, as the Apache
// sink's COMMA_NO_PARENS_REGEX does, so bucket(id, 16) stays one term.
func splitTerms(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return trimAll(append(out, s[start:]))
}

func trimAll(l []string) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
