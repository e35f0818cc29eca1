package iceberg

import (
	"github.com/connectless/connectless/connectors/iceberg/icebergconfig"
	"github.com/connectless/connectless/core/connect"
)

// Version is the connector's version string.
const Version = icebergconfig.Version

// ConnectorClass is the class name users put in connector.class (the Apache Iceberg sink's);
// IcebergSinkConnector and IcebergSink are accepted too.
const ConnectorClass = icebergconfig.ConnectorClass

// Plugin describes the Iceberg sink for the connector registry.
var Plugin = connect.Plugin{
	Class:   ConnectorClass,
	Type:    connect.PluginSink,
	Version: Version,
	New:     func() connect.Connector { return &Connector{} },
}

// Config keys and catalog types, as package icebergconfig defines them (see there).
const (
	TablesConfig           = icebergconfig.TablesConfig
	DynamicEnabledConfig   = icebergconfig.DynamicEnabledConfig
	RouteFieldConfig       = icebergconfig.RouteFieldConfig
	AutoCreateConfig       = icebergconfig.AutoCreateConfig
	EvolveSchemaConfig     = icebergconfig.EvolveSchemaConfig
	ForceOptionalConfig    = icebergconfig.ForceOptionalConfig
	CaseInsensitiveConfig  = icebergconfig.CaseInsensitiveConfig
	PartitionByConfig      = icebergconfig.PartitionByConfig
	IDColumnsConfig        = icebergconfig.IDColumnsConfig
	UpsertModeConfig       = icebergconfig.UpsertModeConfig
	CDCFieldConfig         = icebergconfig.CDCFieldConfig
	CommitBranchConfig     = icebergconfig.CommitBranchConfig
	CommitIntervalConfig   = icebergconfig.CommitIntervalConfig
	CommitTimeoutConfig    = icebergconfig.CommitTimeoutConfig
	CommitThreadsConfig    = icebergconfig.CommitThreadsConfig
	ControlTopicConfig     = icebergconfig.ControlTopicConfig
	GroupIDConfig          = icebergconfig.GroupIDConfig
	HadoopConfDirConfig    = icebergconfig.HadoopConfDirConfig
	AutoCreatePropsPrefix  = icebergconfig.AutoCreatePropsPrefix
	CatalogPrefix          = icebergconfig.CatalogPrefix
	TablePrefix            = icebergconfig.TablePrefix
	CatalogTypeConfig      = icebergconfig.CatalogTypeConfig
	CatalogImplConfig      = icebergconfig.CatalogImplConfig
	CatalogURIConfig       = icebergconfig.CatalogURIConfig
	CatalogWarehouseConfig = icebergconfig.CatalogWarehouseConfig
	CatalogIOImplConfig    = icebergconfig.CatalogIOImplConfig
	CatalogNameConfig      = icebergconfig.CatalogNameConfig
	S3EndpointConfig       = icebergconfig.S3EndpointConfig
	S3PathStyleConfig      = icebergconfig.S3PathStyleConfig
	S3AccessKeyConfig      = icebergconfig.S3AccessKeyConfig
	S3SecretKeyConfig      = icebergconfig.S3SecretKeyConfig
	ClientRegionConfig     = icebergconfig.ClientRegionConfig
	JDBCUserConfig         = icebergconfig.JDBCUserConfig
	JDBCPasswordConfig     = icebergconfig.JDBCPasswordConfig
	RESTCredentialConfig   = icebergconfig.RESTCredentialConfig
	RESTTokenConfig        = icebergconfig.RESTTokenConfig
	TargetFileSizeConfig   = icebergconfig.TargetFileSizeConfig
	CatalogSQL             = icebergconfig.CatalogSQL
	CatalogJDBC            = icebergconfig.CatalogJDBC
	CatalogREST            = icebergconfig.CatalogREST
	CatalogGlue            = icebergconfig.CatalogGlue
)

// ErrConfig is wrapped by every configuration error (icebergconfig.ErrConfig).
var ErrConfig = icebergconfig.ErrConfig

// ConfigDef describes the keys every configuration has (icebergconfig.ConfigDef).
func ConfigDef() *connect.ConfigDef { return icebergconfig.ConfigDef() }

// settings is a parsed configuration.
type settings = icebergconfig.Settings

// keyError is a configuration error about one key.
type keyError = icebergconfig.KeyError

// parse reads a configuration; errors name the key at fault.
func parse(props map[string]string) (*settings, error) { return icebergconfig.Parse(props) }
