package javacompat

import (
	"encoding/json"
	"testing"
)

func TestObjectKeepsOrder(t *testing.T) {
	var o Object
	o.Add("type", "record")
	o.Add("name", "Order")
	o.Add("fields", []any{SortedObject(map[string]string{"z": "1", "a": "2", "m": "3"})})
	got, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"type":"record","name":"Order","fields":[{"a":"2","m":"3","z":"1"}]}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
