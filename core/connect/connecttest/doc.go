// Package connecttest is the conformance suite every connector runs in its tests:
//
//	func TestConformance(t *testing.T) {
//		connecttest.Run(t, connecttest.Suite{
//			Plugin: mysink.Plugin,
//			Config: map[string]string{"topics": "t", "file": filepath.Join(t.TempDir(), "out")},
//			CheckSink: func(t testing.TB, written []connect.SinkRecord) { ... read the file back ... },
//		})
//	}
//
// It checks what the runtime relies on: a non-empty version; a ConfigDef with documented,
// unique keys that accepts the suite's Config; Start/Stop idempotence and Stop after a failed
// Start; TaskConfigs returning 1..n configs for tasks.max n = 1..MaxTasks, deterministically;
// the task lifecycle; Poll and Put returning promptly once their context is cancelled; and for
// sources, source partitions and offsets made of JSON primitives, and a restarted task that
// resumes after the committed offsets instead of re-reading them.
//
// A connector supplies a driver for its external system: PrepareSource fills it for a
// source, Records and CheckSink feed and verify a sink. Offsets, SourceContext and
// SinkContext are in-memory runtime stand-ins usable in a connector's own unit tests.
//
// ReferenceDocs keeps a connector's reference page in docs/connectors/ in step with its
// ConfigDef: it fails when the page is out of date and rewrites it under the package's -update flag.
package connecttest
