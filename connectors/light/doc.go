// Package light lists the shipped plugins whose packages start fast: every connector except
// the Iceberg sink, and config.BuiltinPlugins. Linking github.com/apache/iceberg-go costs a
// program about 48 MB of binary and, through its Substrait dependency's package
// initialisation, some 150 ms and 32 MB of heap before main, so the Lambda functions that do
// not run Iceberg tasks build their registry from this list, and the Iceberg sink's tasks run
// in a task function of their own (connectors.Registry ships every plugin). The REST function's
// registry (RESTRegistry) adds the Iceberg sink's configuration checks and task
// configurations from package icebergconfig, which links no iceberg-go either. The list is
// explicit, as connectors' is.
package light
