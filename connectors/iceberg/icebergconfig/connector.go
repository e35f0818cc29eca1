package icebergconfig

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// Connector is the Iceberg sink connector's lifecycle without its task: it validates the
// configuration and hands every task the same configuration (partitions are dealt to tasks
// by the runtime). Package iceberg's Connector adds NewTask and the catalog preflight.
type Connector struct {
	connect.ConnectorBase[spec]
}

// spec gives connect.ConnectorBase the connector's version and configuration check.
type spec struct{}

func (spec) Version() string { return Version }
func (spec) Check(props map[string]string) error {
	_, err := Parse(props)
	return err
}

// Config returns the configuration definition.
func (c *Connector) Config() *connect.ConfigDef { return ConfigDef() }

// Validate adds the errors of the rules beyond single keys (catalog type and URI, table list
// or dynamic routing, the prefixed keys) to the per-key results.
func (c *Connector) Validate(_ context.Context, props map[string]string, results *connect.ConfigInfos) error {
	if results.ErrorCount > 0 {
		return nil // per-key errors first
	}
	_, err := Parse(props)
	if err == nil {
		return nil
	}
	var ke *KeyError
	name, msg := "", err.Error()
	if errors.As(err, &ke) {
		name = ke.Key
		msg = strings.TrimPrefix(ke.Err.Error(), ErrConfig.Error()+": ")
	}
	for i := range results.Configs {
		if v := results.Configs[i].Value; v != nil && v.Name == name {
			if !slices.Contains(v.Errors, msg) {
				v.Errors = append(v.Errors, msg)
				results.ErrorCount++
			}
			return nil
		}
	}
	results.Configs = append(results.Configs, connect.ConfigInfo{Value: &connect.ConfigValueInfo{Name: name, Errors: []string{msg}, Visible: true}})
	results.ErrorCount++
	return nil
}

var _ connect.Validator = (*Connector)(nil)
