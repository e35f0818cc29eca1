package datagen

import "errors"

// errNoSchemaSupport is returned for schema.string and schema.filename until Avro schemas with
// arg.properties are supported.
var errNoSchemaSupport = errors.New("Avro schemas are not supported yet: use quickstart")

func avroTemplate(string) (*Template, error) { return nil, errNoSchemaSupport }
