// Package boundaries holds the import-boundary test that make lint runs: connectors import
// only the SDK (core/connect and its sub-packages) and the shared archive packages; engine
// packages that must stay apart do not import each other; code outside core/ reaches the
// engine only through its public packages (core/startup, core/worker, core/serverless,
// core/taskrun, ...), never core/internal. It has no code of its own.
package boundaries
