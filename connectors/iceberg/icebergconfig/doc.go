// Package icebergconfig is the part of the Iceberg sink that needs neither iceberg-go nor
// arrow-go: its configuration keys and ConfigDef, the parsed configuration (Settings), the
// syntax checks of table names and partition terms, and the connector's lifecycle methods
// the herder calls (Config, Validate, Start, TaskConfigs). Package iceberg adds the task,
// the catalog and the preflight on top; a program that validates and creates Iceberg sink
// connectors without running their tasks (the REST function) links only this package.
package icebergconfig
