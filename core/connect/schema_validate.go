package connect

import (
	"fmt"
	"strings"
	"time"
)

// JavaClassName names the Java class Kafka would see for a Go value, for error messages that
// mirror Kafka's ("class java.lang.String").
func JavaClassName(v any) string {
	switch v.(type) {
	case string:
		return "class java.lang.String"
	case bool:
		return "class java.lang.Boolean"
	case int8:
		return "class java.lang.Byte"
	case int16:
		return "class java.lang.Short"
	case int32, int:
		return "class java.lang.Integer"
	case int64:
		return "class java.lang.Long"
	case float32:
		return "class java.lang.Float"
	case float64:
		return "class java.lang.Double"
	case []byte:
		return "class [B"
	case []any:
		return "class java.util.ArrayList"
	case map[string]any, map[any]any:
		return "class java.util.HashMap"
	case *Struct:
		return "class org.apache.kafka.connect.data.Struct"
	case Decimal:
		return "class java.math.BigDecimal"
	case time.Time:
		return "class java.util.Date"
	}
	return fmt.Sprintf("class %T", v)
}

// IntValue returns an integer value of Connect's Go representation (int8, int16, int32,
// int64, or int as INT64) as int64; false for any other value.
func IntValue(v any) (int64, bool) {
	switch n := v.(type) {
	case int8:
		return int64(n), true
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}

// IntOf returns n as the Go value of the integer type t: int8, int16 or int32, narrowed as
// Java's casts do, else int64.
func IntOf(t Type, n int64) any {
	switch t {
	case TypeInt8:
		return int8(n)
	case TypeInt16:
		return int16(n)
	case TypeInt32:
		return int32(n)
	}
	return n
}

// InferType is Kafka's ConnectSchema.schemaType: the schema type of a value's Go
// representation (int as INT64, either map shape as MAP), false for a type Connect has none for.
func InferType(v any) (Type, bool) {
	switch v.(type) {
	case int8:
		return TypeInt8, true
	case int16:
		return TypeInt16, true
	case int32:
		return TypeInt32, true
	case int64, int:
		return TypeInt64, true
	case float32:
		return TypeFloat32, true
	case float64:
		return TypeFloat64, true
	case bool:
		return TypeBoolean, true
	case string:
		return TypeString, true
	case []byte:
		return TypeBytes, true
	case []any:
		return TypeArray, true
	case map[string]any, map[any]any:
		return TypeMap, true
	case *Struct:
		return TypeStruct, true
	}
	return "", false
}

// ValidateValue checks that value fits schema, as Kafka's ConnectSchema.validateValue: null
// only for optional schemas (or ones with a default), Go types matching the schema type
// (logical types: Decimal and time.Time), array elements, map entries and struct fields
// recursively. Errors are *DataError worded as Kafka's.
func ValidateValue(s *Schema, value any) error { return validateValue("", s, value) }

func validateValue(field string, s *Schema, value any) error {
	if s == nil {
		return nil
	}
	if value == nil {
		if !s.Optional && s.Default == nil {
			loc := ""
			if field != "" {
				loc = fmt.Sprintf("field: %q, ", field)
			}
			return &DataError{Message: fmt.Sprintf("Invalid value: null used for required %sschema type: %s", loc, strings.ToUpper(string(s.Type)))}
		}
		return nil
	}
	bad := func() error {
		name := ""
		if s.Name != "" {
			name = fmt.Sprintf(" %q", s.Name)
		}
		loc := ""
		if field != "" {
			loc = fmt.Sprintf(" for field: %q", field)
		}
		return &DataError{Message: fmt.Sprintf("Invalid Java object for schema%s with type %s: %s%s", name, strings.ToUpper(string(s.Type)), JavaClassName(value), loc)}
	}
	switch s.Name {
	case DecimalName:
		if _, ok := value.(Decimal); !ok {
			return bad()
		}
		return nil
	case DateName, TimeName, TimestampName:
		if _, ok := value.(time.Time); !ok {
			return bad()
		}
		return nil
	}
	ok := false
	switch s.Type {
	case TypeInt8:
		_, ok = value.(int8)
	case TypeInt16:
		_, ok = value.(int16)
	case TypeInt32:
		_, ok = value.(int32)
	case TypeInt64:
		_, ok = value.(int64)
	case TypeFloat32:
		_, ok = value.(float32)
	case TypeFloat64:
		_, ok = value.(float64)
	case TypeBoolean:
		_, ok = value.(bool)
	case TypeString:
		_, ok = value.(string)
	case TypeBytes:
		_, ok = value.([]byte)
	case TypeArray:
		l, isList := value.([]any)
		if !isList {
			return bad()
		}
		for _, e := range l {
			if err := validateValue(field, s.Value, e); err != nil {
				return err
			}
		}
		return nil
	case TypeMap:
		switch m := value.(type) {
		case map[any]any:
			for k, v := range m {
				if err := validateValue(field, s.Key, k); err != nil {
					return err
				}
				if err := validateValue(field, s.Value, v); err != nil {
					return err
				}
			}
			return nil
		case map[string]any:
			for k, v := range m {
				if err := validateValue(field, s.Key, k); err != nil {
					return err
				}
				if err := validateValue(field, s.Value, v); err != nil {
					return err
				}
			}
			return nil
		}
		return bad()
	case TypeStruct:
		st, isStruct := value.(*Struct)
		if !isStruct {
			return bad()
		}
		if !st.Schema().Equal(s) {
			return &DataError{Message: "Struct schemas do not match."}
		}
		for _, f := range s.Fields {
			v, _ := st.Get(f.Name)
			if err := validateValue(f.Name, f.Schema, v); err != nil {
				return err
			}
		}
		return nil
	}
	if !ok {
		return bad()
	}
	return nil
}
