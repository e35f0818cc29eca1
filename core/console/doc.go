// Package console is the web console: pages for connectors, a connector (status, tasks,
// traces, actions, offsets, topics), creating and editing a connector from its plugin's
// ConfigDef, plugins and metrics. The pages use only the Kafka Connect REST API from the
// browser, so the same console works in a worker (under /ui/) and through a local proxy in
// front of any Kafka Connect compatible endpoint (see Proxy). Assets are embedded; nothing is
// fetched from the network at run time.
package console
