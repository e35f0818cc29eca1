package transform

import (
	"errors"
	"reflect"
	"testing"

	"github.com/connectless/connectless/core/connect"
)

// cdcEvent builds a change event shaped as Debezium's PostgreSQL connector's: the row is
// {id, name}, source carries db, table and lsn.
func cdcEvent(op string, before, after map[string]any) *connect.Record {
	row := connect.StructBuilder().Name("srv.public.customers.Value").Optional().
		Field("id", connect.Int32Schema()).Field("name", connect.OptionalStringSchema()).Build()
	src := connect.StructBuilder().Name("io.debezium.connector.postgresql.Source").
		Field("db", connect.StringSchema()).Field("table", connect.StringSchema()).Field("lsn", connect.OptionalInt64Schema()).Build()
	env := connect.StructBuilder().Name("srv.public.customers.Envelope").
		Field("before", row).Field("after", row).Field("source", src).
		Field("op", connect.StringSchema()).Field("ts_ms", connect.OptionalInt64Schema()).Build()
	mk := func(m map[string]any) *connect.Struct {
		s := connect.NewStruct(row)
		for k, v := range m {
			s.MustPut(k, v)
		}
		return s
	}
	v := connect.NewStruct(env).MustPut("op", op).MustPut("ts_ms", int64(1559033904863)).
		MustPut("source", connect.NewStruct(src).MustPut("db", "postgres").MustPut("table", "customers").MustPut("lsn", int64(24023128)))
	if before != nil {
		v.MustPut("before", mk(before))
	}
	if after != nil {
		v.MustPut("after", mk(after))
	}
	key := connect.StructBuilder().Name("srv.public.customers.Key").Field("id", connect.Int32Schema()).Build()
	return &connect.Record{Topic: "srv.public.customers", KeySchema: key, Key: connect.NewStruct(key).MustPut("id", int32(1)), ValueSchema: env, Value: v}
}

func tombstone() *connect.Record {
	r := cdcEvent("d", map[string]any{"id": int32(1)}, nil)
	r.ValueSchema, r.Value = nil, nil
	return r
}

// flat renders a flattened record: "drop", "tombstone", or its value's fields.
func flat(t *testing.T, r *connect.Record) any {
	t.Helper()
	if r == nil {
		return "drop"
	}
	if r.Value == nil {
		return "tombstone"
	}
	s := r.Value.(*connect.Struct)
	out := map[string]any{}
	for _, f := range s.Schema().Fields {
		v, _ := s.Get(f.Name)
		out[f.Name] = v
	}
	return out
}

// The expected results follow Debezium's New Record State Extraction documentation
// (transformations/event-flattening): delete.tombstone.handling.mode, the __deleted field of
// the rewrite modes ("true"/"false" strings), and add.fields/add.headers naming (__ prefix,
// source fields by bare name, envelope fields such as op and ts_ms).
func TestExtractNewRecordState(t *testing.T) {
	create := cdcEvent("c", nil, map[string]any{"id": int32(1), "name": "Anne"})
	del := cdcEvent("d", map[string]any{"id": int32(1), "name": "Anne"}, nil)
	anne := map[string]any{"id": int32(1), "name": "Anne"}
	cases := []struct {
		name  string
		props map[string]string
		in    *connect.Record
		want  any
	}{
		{"create", nil, create, anne},
		{"delete default", nil, del, "drop"},
		{"tombstone default", nil, tombstone(), "tombstone"},
		{"delete drop", map[string]string{"delete.tombstone.handling.mode": "drop"}, del, "drop"},
		{"tombstone drop", map[string]string{"delete.tombstone.handling.mode": "drop"}, tombstone(), "drop"},
		{"delete rewrite", map[string]string{"delete.tombstone.handling.mode": "rewrite"}, del,
			map[string]any{"id": int32(1), "name": "Anne", "__deleted": "true"}},
		{"create rewrite", map[string]string{"delete.tombstone.handling.mode": "rewrite"}, create,
			map[string]any{"id": int32(1), "name": "Anne", "__deleted": "false"}},
		{"tombstone rewrite", map[string]string{"delete.tombstone.handling.mode": "rewrite"}, tombstone(), "drop"},
		{"tombstone rewrite-with-tombstone", map[string]string{"delete.tombstone.handling.mode": "rewrite-with-tombstone"}, tombstone(), "tombstone"},
		{"delete delete-to-tombstone", map[string]string{"delete.tombstone.handling.mode": "delete-to-tombstone"}, del, "tombstone"},
		{"add.fields", map[string]string{"add.fields": "op,table,lsn,source.db"}, create,
			map[string]any{"id": int32(1), "name": "Anne", "__op": "c", "__table": "customers", "__lsn": int64(24023128), "__source_db": "postgres"}},
		{"add.fields.prefix", map[string]string{"add.fields": "op", "add.fields.prefix": "cdc_"}, create,
			map[string]any{"id": int32(1), "name": "Anne", "cdc_op": "c"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := newExtractNewRecordState()
			if err := tr.Configure(c.props); err != nil {
				t.Fatal(err)
			}
			out, err := tr.Apply(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := flat(t, out); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if out != nil && out.Value != nil && out.ValueSchema.Name != "srv.public.customers.Value" {
				t.Errorf("value schema name %q", out.ValueSchema.Name)
			}
		})
	}
}

func TestExtractNewRecordStateHeadersAndPassThrough(t *testing.T) {
	tr := newExtractNewRecordState()
	if err := tr.Configure(map[string]string{"add.headers": "db,op"}); err != nil {
		t.Fatal(err)
	}
	out, err := tr.Apply(cdcEvent("u", nil, map[string]any{"id": int32(1), "name": "B"}))
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := out.Headers.Last("__db"); !ok || h.Value != "postgres" {
		t.Errorf("__db header = %v", h)
	}
	if h, ok := out.Headers.Last("__op"); !ok || h.Value != "u" {
		t.Errorf("__op header = %v", h)
	}
	// A record that is not a change event (a heartbeat) passes unchanged.
	hb := connect.StructBuilder().Name("io.debezium.connector.common.Heartbeat").Field("ts_ms", connect.Int64Schema()).Build()
	in := &connect.Record{Topic: "__debezium-heartbeat.srv", ValueSchema: hb, Value: connect.NewStruct(hb).MustPut("ts_ms", int64(1))}
	if out, err := tr.Apply(in); err != nil || out != in {
		t.Errorf("heartbeat: %v, %v", out, err)
	}
	// Keys of the SMT that are not implemented are refused.
	for _, k := range []string{"drop.tombstones", "delete.handling.mode", "route.by.field"} {
		err := newExtractNewRecordState().Configure(map[string]string{k: "x"})
		var te *Error
		if !errors.As(err, &te) || te.Class != ClassConfigException {
			t.Errorf("%s accepted: %v", k, err)
		}
	}
	if err := newExtractNewRecordState().Configure(map[string]string{"add.fields": "nope"}); err != nil {
		t.Fatal(err)
	}
	bad := newExtractNewRecordState()
	bad.Configure(map[string]string{"add.fields": "nope"})
	if _, err := bad.Apply(cdcEvent("c", nil, map[string]any{"id": int32(1)})); err == nil {
		t.Error("add.fields naming an unknown field: no error")
	}
}
