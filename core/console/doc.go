// Package console is the web console: pages for connectors (with their schedule and last
// slice where the server offers expand=schedule), a connector (status, tasks, traces,
// actions, offsets, topics), creating and editing a connector from its plugin's ConfigDef or
// as raw JSON or YAML, plugins, an S3 sink's archive with restores of offset or time ranges,
// and metrics charted per connector. The pages use the Kafka Connect REST API from the
// browser, and connectless extensions only when the server answers them, so the same console
// works in a worker (under /ui/) and through a local proxy in front of any Kafka Connect
// compatible endpoint (see Proxy). The console's own server only renders pages, serves the
// embedded assets and converts YAML for the raw editor (POST /ui/convert); nothing is fetched
// from the network at run time.
package console
