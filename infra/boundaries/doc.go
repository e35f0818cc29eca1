// Package boundaries holds the import-boundary test that make lint runs: connectors import
// only the SDK (core/connect and its sub-packages) and the shared archive packages, and
// engine packages that must stay apart do not import each other. It has no code of its own.
package boundaries
