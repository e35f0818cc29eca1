package transform

import (
	"fmt"
	"strings"

	"github.com/connectless/connectless/core/connect"
)

// ExtractNewRecordStateClass is the class name of Debezium's event flattening SMT.
const ExtractNewRecordStateClass = "io.debezium.transforms.ExtractNewRecordState"

// Modes of delete.tombstone.handling.mode, as Debezium's.
const (
	deleteModeDrop                 = "drop"
	deleteModeTombstone            = "tombstone"
	deleteModeRewrite              = "rewrite"
	deleteModeRewriteWithTombstone = "rewrite-with-tombstone"
	deleteModeDeleteToTombstone    = "delete-to-tombstone"
	deletedField                   = "deleted"
)

// extractUnsupported are Debezium keys of the SMT that are not implemented: setting one is a
// configuration error, never a silently ignored key.
var extractUnsupported = []string{"drop.tombstones", "delete.handling.mode", "route.by.field", "drop.fields.header.name",
	"drop.fields.from.key", "drop.fields.keep.schema.compatible"}

// ExtractNewRecordState is Debezium's io.debezium.transforms.ExtractNewRecordState: it replaces
// a change event's envelope by the row state after the change (before, for a rewritten
// delete), optionally adding envelope and source fields to the value or the headers. Records
// whose value is not an envelope (heartbeats, transaction metadata) pass unchanged.
type ExtractNewRecordState struct {
	base
	mode                  string
	fields, headers       []envField
	fieldPrefix, hdrPfx   string
	cache                 schemaCache
	replaceNullWithDefult bool
}

// envField is one entry of add.fields or add.headers: a field of the envelope or of one of its
// structs (source, transaction).
type envField struct {
	parent, name, out string
}

func newExtractNewRecordState() *ExtractNewRecordState {
	return &ExtractNewRecordState{base: base{def: newDef([]connect.ConfigKey{
		{Name: "delete.tombstone.handling.mode", Default: deleteModeTombstone, Importance: connect.Medium,
			Validator: connect.ValidString(deleteModeDrop, deleteModeTombstone, deleteModeRewrite, deleteModeRewriteWithTombstone, deleteModeDeleteToTombstone),
			Doc: "What becomes of delete events and tombstones: drop (both removed), tombstone (delete events removed, tombstones kept), " +
				"rewrite (delete events become the before state with __deleted=true, tombstones removed), rewrite-with-tombstone " +
				"(the same, tombstones kept), delete-to-tombstone (delete events become tombstones, tombstones removed). Default tombstone. " +
				"Mirrors Debezium's delete.tombstone.handling.mode."},
		{Name: "add.fields", Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
			Doc: "Envelope fields (op, ts_ms), source fields (table, lsn, or source.ts_ms) or transaction fields (transaction.id) to add to " +
				"the value as <prefix><name>, dots replaced by underscores. Default empty. Mirrors Debezium's add.fields."},
		{Name: "add.fields.prefix", Default: "__", Importance: connect.Low,
			Doc: "Prefix of the added value fields. Default __. Mirrors Debezium's add.fields.prefix."},
		{Name: "add.headers", Type: connect.ConfigList, Default: []string{}, Importance: connect.Low,
			Doc: "Fields, named as in add.fields, to add as headers. Default empty. Mirrors Debezium's add.headers."},
		{Name: "add.headers.prefix", Default: "__", Importance: connect.Low,
			Doc: "Prefix of the added headers. Default __. Mirrors Debezium's add.headers.prefix."},
		{Name: "replace.null.with.default", Type: connect.ConfigBoolean, Default: true, Importance: connect.Low,
			Doc: "Whether a null field with a schema default reads as the default. Default true. Mirrors Debezium's replace.null.with.default."},
	})}}
}

// Configure parses the keys, refusing the Debezium keys this SMT does not implement.
func (t *ExtractNewRecordState) Configure(props map[string]string) error {
	for _, k := range extractUnsupported {
		if _, ok := props[k]; ok {
			return configErr("%s is not supported by this ExtractNewRecordState; use delete.tombstone.handling.mode", k)
		}
	}
	c, err := parseConfig(t.def, props)
	if err != nil {
		return err
	}
	t.mode = c.str("delete.tombstone.handling.mode")
	t.fieldPrefix, t.hdrPfx = c.str("add.fields.prefix"), c.str("add.headers.prefix")
	t.replaceNullWithDefult = c.boolean("replace.null.with.default")
	t.fields, t.headers = parseEnvFields(c.list("add.fields"), t.fieldPrefix), parseEnvFields(c.list("add.headers"), t.hdrPfx)
	return nil
}

func parseEnvFields(l []string, prefix string) []envField {
	var out []envField
	for _, f := range l {
		f = strings.TrimSpace(f)
		ef := envField{name: f, out: prefix + strings.ReplaceAll(f, ".", "_")}
		if p, n, ok := strings.Cut(f, "."); ok {
			ef.parent, ef.name = p, n
		}
		out = append(out, ef)
	}
	return out
}

// isEnvelope reports whether a value schema is a Debezium change event envelope.
func isEnvelope(s *connect.Schema) bool {
	if s == nil || s.Type != connect.TypeStruct {
		return false
	}
	_, hasOp := s.Field("op")
	_, hasAfter := s.Field("after")
	_, hasSource := s.Field("source")
	return hasOp && hasAfter && hasSource
}

// Apply flattens one record.
func (t *ExtractNewRecordState) Apply(r *connect.Record) (*connect.Record, error) {
	if r.Value == nil {
		switch t.mode {
		case deleteModeTombstone, deleteModeRewriteWithTombstone:
			return r, nil
		default:
			return nil, nil
		}
	}
	if !isEnvelope(r.ValueSchema) {
		return r, nil
	}
	env, err := requireStruct(r.Value, "extracting the new record state")
	if err != nil {
		return nil, err
	}
	op, _ := env.Get("op")
	state := "after"
	deleted := false
	if op == "d" {
		switch t.mode {
		case deleteModeDrop, deleteModeTombstone:
			return nil, nil
		case deleteModeDeleteToTombstone:
			out := *r
			out.ValueSchema, out.Value = nil, nil
			return &out, nil
		}
		state, deleted = "before", true
	}
	out := *r
	out.Headers = append(connect.Headers(nil), r.Headers...)
	for _, h := range t.headers {
		v, s, ok := envValue(env, h)
		if !ok {
			return nil, dataErr("add.headers: %s is not a field of the change event", h.name)
		}
		out.Headers = append(out.Headers, connect.Header{Key: h.out, Schema: optionalCopy(s), Value: v})
	}
	rowV, _ := env.Get(state)
	row, _ := rowV.(*connect.Struct)
	if row == nil {
		return nil, nil // nothing to apply (e.g. a truncate event)
	}
	rewrite := t.mode == deleteModeRewrite || t.mode == deleteModeRewriteWithTombstone
	if len(t.fields) == 0 && !rewrite {
		out.ValueSchema, out.Value = row.Schema(), row
		return &out, nil
	}
	s := t.cache.get(row.Schema())
	if s == nil {
		b := connect.BuilderFrom(row.Schema())
		for _, f := range t.fields {
			_, fs, ok := envValue(env, f)
			if !ok {
				return nil, dataErr("add.fields: %s is not a field of the change event", f.name)
			}
			b.Field(f.out, optionalCopy(fs))
		}
		if rewrite {
			b.Field(t.fieldPrefix+deletedField, connect.OptionalStringSchema())
		}
		s = b.Build()
		t.cache.put(row.Schema(), s)
	}
	v := connect.NewStruct(s)
	for _, f := range row.Schema().Fields {
		var x any
		if t.replaceNullWithDefult {
			x, _ = row.Get(f.Name)
		} else {
			x, _ = row.GetWithoutDefault(f.Name)
		}
		v.MustPut(f.Name, x)
	}
	for _, f := range t.fields {
		x, _, _ := envValue(env, f)
		v.MustPut(f.out, x)
	}
	if rewrite {
		v.MustPut(t.fieldPrefix+deletedField, fmt.Sprint(deleted))
	}
	out.ValueSchema, out.Value = s, v
	return &out, nil
}

// envValue reads an add.fields entry: an envelope field, a field of a named struct of the
// envelope, or else a source field.
func envValue(env *connect.Struct, f envField) (any, *connect.Schema, bool) {
	from := env
	if f.parent != "" {
		p, _ := env.Get(f.parent)
		ps, ok := p.(*connect.Struct)
		fs, has := env.Schema().Field(f.parent)
		if !has {
			return nil, nil, false
		}
		if !ok {
			sub, ok := fs.Schema.Field(f.name)
			if !ok {
				return nil, nil, false
			}
			return nil, sub.Schema, true
		}
		from = ps
	} else if _, ok := env.Schema().Field(f.name); !ok {
		src, _ := env.Get("source")
		ss, ok := src.(*connect.Struct)
		if !ok {
			return nil, nil, false
		}
		from = ss
	}
	fs, ok := from.Schema().Field(f.name)
	if !ok {
		return nil, nil, false
	}
	v, _ := from.Get(f.name)
	return v, fs.Schema, true
}

func optionalCopy(s *connect.Schema) *connect.Schema {
	c := *s
	c.Optional = true
	return &c
}
