package datagen

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/connectless/connectless/core/connect"
	"github.com/connectless/connectless/core/connect/connecttest"
)

func TestRegexGenerator(t *testing.T) {
	for _, expr := range []string{
		`User_[1-9]{0,1}`, `Region_[1-9]?`, `Item_[1-9][0-9]{0,2}`, `[A-Z]{3}-\d{4}`, `(GET|POST|PUT) /api/(users|orders)/\d+`,
		`[a-f0-9]{8}`, `x*y+z?`, `(?:ab|cd){2,3}`, `\w{5,}`, `a\.b`, `[-_a-c]{4}`, `.{3}`,
	} {
		re, err := compileRegex(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		check := regexp.MustCompile(`^(?:` + expr + `)$`)
		for i := range 200 {
			r := recordRNG(1, 0, int64(i))
			if s := re.generate(&r); !check.MatchString(s) {
				t.Fatalf("%s generated %q, which does not match", expr, s)
			}
		}
	}
	for _, bad := range []string{`(ab`, `[ab`, `a{2`, `*a`, `[^a]`, `a{3,1}`} {
		if _, err := compileRegex(bad); err == nil {
			t.Errorf("compileRegex(%q) accepted an expression it cannot generate", bad)
		}
	}
}

// confluentUsers is Confluent's users quickstart schema, as users pass it in schema.string.
const confluentUsers = `{"namespace": "ksql", "name": "users", "type": "record", "fields": [
  {"name": "registertime", "type": {"type": "long", "arg.properties": {"range": {"min": 1487715775521, "max": 1519273364600}}}},
  {"name": "userid", "type": {"type": "string", "arg.properties": {"regex": "User_[1-9]{0,1}"}}},
  {"name": "regionid", "type": {"type": "string", "arg.properties": {"regex": "Region_[1-9]?"}}},
  {"name": "gender", "type": {"type": "string", "arg.properties": {"options": ["MALE", "FEMALE", "OTHER"]}}}]}`

const richSchema = `{"name": "event", "namespace": "test", "type": "record", "fields": [
  {"name": "seq", "type": {"type": "int", "arg.properties": {"iteration": {"start": 100, "step": 5}}}},
  {"name": "slot", "type": {"type": "long", "arg.properties": {"iteration": {"start": 0, "restart": 3}}}},
  {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis", "arg.properties": {"range": {"min": 1700000000000, "max": 1700000001000}}}},
  {"name": "score", "type": {"type": "double", "arg.properties": {"range": {"min": 1.5, "max": 2.5}}}},
  {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
  {"name": "note", "type": ["null", {"type": "string", "arg.properties": {"length": 4}}]},
  {"name": "tags", "type": {"type": "array", "items": {"type": "string", "arg.properties": {"options": ["x", "y"]}}, "arg.properties": {"length": {"min": 1, "max": 3}}}},
  {"name": "flag", "type": "boolean"},
  {"name": "where", "type": {"type": "record", "name": "Where", "fields": [{"name": "zip", "type": "int", "arg.properties": {"range": {"min": 10000, "max": 10010}}}]}}
]}`

func TestSchemaString(t *testing.T) {
	t.Run("Confluent users schema", func(t *testing.T) {
		recs := pollN(t, startTask(t, map[string]string{"kafka.topic": "u", "schema.string": confluentUsers, "schema.keyfield": "userid", "max.interval": "0", "iterations": "300"}, connecttest.NewOffsets()), 300)
		userID, region := regexp.MustCompile(`^User_[1-9]?$`), regexp.MustCompile(`^Region_[1-9]?$`)
		for _, r := range recs {
			v := r.Value.(*connect.Struct)
			if r.ValueSchema.Name != "ksql.users" || r.KeySchema.Type != connect.TypeString {
				t.Fatalf("schemas %v / %v", r.ValueSchema.Name, r.KeySchema)
			}
			id, _ := v.Get("userid")
			reg, _ := v.Get("regionid")
			ts, _ := v.Get("registertime")
			g, _ := v.Get("gender")
			if !userID.MatchString(id.(string)) || !region.MatchString(reg.(string)) || r.Key != id ||
				ts.(int64) < 1487715775521 || ts.(int64) >= 1519273364600 || !strings.Contains("MALE FEMALE OTHER", g.(string)) {
				t.Fatalf("record %v key %v out of the schema's properties", v, r.Key)
			}
		}
	})
	t.Run("every supported construct", func(t *testing.T) {
		recs := pollN(t, startTask(t, map[string]string{"kafka.topic": "e", "schema.string": richSchema, "max.interval": "0", "iterations": "200", "random.seed": "5"}, connecttest.NewOffsets()), 200)
		nulls := 0
		for i, r := range recs {
			if err := connect.ValidateValue(r.ValueSchema, r.Value); err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			if r.Key != nil {
				t.Fatalf("record %d has a key without schema.keyfield", i)
			}
			v := r.Value.(*connect.Struct)
			get := func(f string) any { x, _ := v.Get(f); return x }
			if get("seq") != int32(100+5*i) || get("slot") != int64(i%3) {
				t.Fatalf("record %d: seq %v slot %v, want iterations %d and %d", i, get("seq"), get("slot"), 100+5*i, i%3)
			}
			if at := get("at").(time.Time); at.Before(time.UnixMilli(1700000000000)) || !at.Before(time.UnixMilli(1700000001000)) {
				t.Fatalf("record %d: at %v out of range", i, at)
			}
			if s := get("score").(float64); s < 1.5 || s >= 2.5 {
				t.Fatalf("record %d: score %v out of range", i, s)
			}
			if n := get("note"); n == nil {
				nulls++
			} else if len(n.(string)) != 4 {
				t.Fatalf("record %d: note %q, want length 4", i, n)
			}
			if tags := get("tags").([]any); len(tags) < 1 || len(tags) > 2 {
				t.Fatalf("record %d: %d tags, want 1..2", i, len(tags))
			}
			if zip, _ := get("where").(*connect.Struct).Get("zip"); zip.(int32) < 10000 || zip.(int32) >= 10010 {
				t.Fatalf("record %d: zip %v", i, zip)
			}
		}
		if nulls == 0 || nulls == len(recs) {
			t.Errorf("the optional note was null in %d of %d records, want some", nulls, len(recs))
		}
	})
}

func TestSchemaStringErrors(t *testing.T) {
	tests := []struct{ name, schema, want string }{
		{"not JSON", `{"type": "record"`, "not JSON"},
		{"not a record", `"string"`, "must be an Avro record"},
		{"two-type union", `{"type":"record","name":"r","fields":[{"name":"f","type":["int","string"]}]}`, `field f: only ["null", T] unions`},
		{"regex on an int", `{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"int","arg.properties":{"regex":"a"}}}]}`, "field f: regex needs a string type"},
		{"bad regex", `{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"string","arg.properties":{"regex":"(a"}}}]}`, "missing )"},
		{"empty range", `{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"int","arg.properties":{"range":{"min":5,"max":5}}}}]}`, "range max 5 must exceed min 5"},
		{"map type", `{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"map","values":"int"}}]}`, `unsupported type "map"`},
		{"string option for an int", `{"type":"record","name":"r","fields":[{"name":"f","type":{"type":"int","arg.properties":{"options":["a"]}}}]}`, `option "a" is not a int`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Connector{}).Start(context.Background(), map[string]string{"kafka.topic": "t", "schema.string": tt.schema})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "schema.string") {
				t.Fatalf("Start = %v, want a schema.string error saying %q", err, tt.want)
			}
		})
	}
}
