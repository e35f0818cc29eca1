package herder

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

const nullValueError = "Null value can not be supplied as the configuration value."

// ValidateConfig validates a configuration for PUT /connector-plugins/{plugin}/config/validate.
// The connector class comes from the body; plugin (from the path) must name the same type.
// Invalid configurations are not an error: the result counts them.
func (h *Herder) ValidateConfig(ctx context.Context, plugin string, config RawConfig) (connect.ConfigInfos, error) {
	if cls := config[KeyConnectorClass]; cls != nil && !strings.HasSuffix(normalizedPluginName(*cls), normalizedPluginName(plugin)) {
		return connect.ConfigInfos{}, badRequest("Included connector type %s does not match request type %s", *cls, plugin)
	}
	_, infos, err := h.validate(ctx, config)
	return infos, err
}

func normalizedPluginName(name string) string {
	if s, ok := strings.CutSuffix(name, "Connector"); ok && s != "" {
		return s
	}
	return name
}

// checkedConfig validates a configuration for a write and returns it without null values;
// validation errors become Kafka's multi-line 400 message.
func (h *Herder) checkedConfig(ctx context.Context, config RawConfig) (map[string]string, error) {
	_, infos, err := h.validate(ctx, config)
	if err != nil {
		return nil, err
	}
	if err := infos.Err(); err != nil {
		return nil, badRequest("%s", err)
	}
	props := make(map[string]string, len(config))
	for k, v := range config {
		if v != nil {
			props[k] = *v
		}
	}
	return props, nil
}

func (h *Herder) validate(ctx context.Context, config RawConfig) (connect.Plugin, connect.ConfigInfos, error) {
	cls := config[KeyConnectorClass]
	if cls == nil {
		return connect.Plugin{}, connect.ConfigInfos{}, badRequest("Connector config %s contains no connector type", javaMapString(config))
	}
	plugin, err := h.cfg.Plugins.Lookup(*cls)
	if err != nil {
		return connect.Plugin{}, connect.ConfigInfos{}, &Error{Kind: ErrInternal, Err: err, Message: fmt.Sprintf(
			"Failed to find any class that implements Connector and which name matches %s, available connectors are: %s",
			*cls, strings.Join(h.connectorClasses(), ", "))}
	}
	props := map[string]string{}
	var nullKeys []string
	for k, v := range config {
		if v == nil {
			nullKeys = append(nullKeys, k)
		} else {
			props[k] = *v
		}
	}
	slices.Sort(nullKeys)
	resolved, secrets, err := h.cfg.Resolver.ResolveSecrets(ctx, props)
	unresolved := err != nil
	if unresolved {
		// Validation still runs, on the references as written.
		h.log.WarnContext(ctx, "resolve config for validation", "connector_class", *cls, "error", err)
		resolved, secrets = maps.Clone(props), nil
	}
	infos, err := runSafely(func() (connect.ConfigInfos, error) { return h.cfg.Validate(ctx, plugin, resolved), nil })
	if err != nil {
		h.log.ErrorContext(ctx, "validation panicked", "connector_class", *cls, "error", secrets.Redact(err.Error()))
		return connect.Plugin{}, connect.ConfigInfos{}, &Error{Kind: ErrInternal, Message: fmt.Sprintf("Failed to validate the configuration of %s", *cls)}
	}
	if len(nullKeys) == 0 && !unresolved {
		// The live checks run only on a configuration without errors: findings then name
		// what the configuration points at, not a typo validation already reports.
		h.preflight(ctx, plugin, resolved, &infos, secrets.Redact)
	}
	infos.Name = *cls
	// Null values: an error on the key's entry, or a leading entry without definition.
	var lead []connect.ConfigInfo
	for _, k := range nullKeys {
		found := false
		for i := range infos.Configs {
			v := infos.Configs[i].Value
			if v != nil && v.Name == k {
				v.Value = nil
				v.Errors = append(v.Errors, nullValueError)
				found = true
			}
		}
		if !found {
			lead = append(lead, connect.ConfigInfo{Value: &connect.ConfigValueInfo{
				Name: k, RecommendedValues: []string{}, Errors: []string{nullValueError}, Visible: true}})
		}
	}
	infos.Configs = append(lead, infos.Configs...)
	count := 0
	for i := range infos.Configs {
		v := infos.Configs[i].Value
		if v == nil {
			continue
		}
		count += len(v.Errors)
		if v.Value != nil {
			if raw, ok := props[v.Name]; ok && resolved[v.Name] == *v.Value {
				s := raw
				v.Value = &s
			} else {
				s := secrets.Redact(*v.Value)
				v.Value = &s
			}
		}
		for j, e := range v.Errors {
			v.Errors[j] = secrets.Redact(e)
		}
		for j, e := range v.RecommendedValues {
			v.RecommendedValues[j] = secrets.Redact(e)
		}
	}
	infos.ErrorCount = count
	if infos.Groups == nil {
		infos.Groups = []string{}
	}
	if infos.Configs == nil {
		infos.Configs = []connect.ConfigInfo{}
	}
	return plugin, infos, nil
}

func (h *Herder) connectorClasses() []string {
	var out []string
	for _, p := range h.cfg.Plugins.Connectors() {
		out = append(out, p.Class)
	}
	return out
}

// javaMapString renders a map as Java's AbstractMap.toString does ({k=v, k2=null}), keys sorted.
func javaMapString(m RawConfig) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		if v := m[k]; v != nil {
			b.WriteString(*v)
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.String()
}
