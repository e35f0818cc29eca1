// Package jsonvalue turns Connect values into JSON-ready Go values (maps, slices,
// javacompat.Object for structs, strings, numbers, bools) with one walk over the schema;
// what formats write differently (Decimal, bytes, floats, map entries with non-string keys,
// field names, unions, nulls) is given by each format's Writer.
package jsonvalue
