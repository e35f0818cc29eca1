// Package connect is the connector SDK: what a connector implements and the data it
// exchanges with the runtime. Its names follow Kafka Connect's, so a Java connector maps 1:1:
// Connector, SourceTask, SinkTask, SourceRecord, SinkRecord, Schema, Struct, ConfigDef.
//
// # The shape of a connector
//
// A connector package exports one Plugin value; the binary lists the plugins it ships in an
// explicit Registry (no init-time registration). Converters, header converters,
// transformations and predicates are Plugin values of their own Type in the same Registry, so
// a program adds its own of any type the same way:
//
//	reg, err := connect.NewRegistry(append(connectors.Plugins(), myconnector.Plugin,
//		connect.Plugin{Class: "com.example.UpperConverter", Type: connect.PluginConverter,
//			Version: "1.0.0", NewConverter: func() connect.Converter { return &Upper{} }})...)
//
// The Connector runs in the management path: it parses and validates its configuration, then
// splits the work into task configurations. Tasks do the data work in bounded slices: the
// runtime calls Start, then Poll (sources) or Put and Flush (sinks) until the slice's
// deadline, then Stop. Calls on one task are never concurrent, and every blocking call
// receives a ctx that it must honour.
//
// Most connectors only check their configuration, keep it and hand it to every task: they
// embed ConnectorBase for Version, Start, TaskConfigs and Stop. Tasks log through the logger
// of their task context, which names the connector and the task (TaskLogger).
//
// # Configuration
//
// A ConfigDef declares the keys: type, default, validator, importance, documentation, group.
// It parses map[string]string with Kafka's rules (values trimmed, booleans case-insensitive,
// numbers range-checked, lists split on commas), answers the REST validation request in
// Kafka's ConfigInfos shape and generates reference docs (MarkdownDocs). PASSWORD values are
// of type Password, which prints as "[hidden]".
//
//	func configDef() *connect.ConfigDef {
//		return connect.NewConfigDef().
//			Define(connect.ConfigKey{Name: "file", Type: connect.ConfigString, Required: true,
//				Importance: connect.High, Doc: "File to read. Mirrors FileStreamSource's file."}).
//			Define(connect.ConfigKey{Name: "batch.size", Type: connect.ConfigInt, Default: 100,
//				Validator: connect.AtLeast(1), Importance: connect.Low,
//				Doc: "Lines per poll. Default 100. Mirrors FileStreamSource's batch.size."})
//	}
//
// # A minimal source
//
// A source task turns what it reads into SourceRecords. SourcePartition says where a record
// comes from and SourceOffset how far reading got; the runtime commits offsets only once Kafka
// has acknowledged the records, and a restarted task resumes from them through the
// OffsetReader. Partitions and offsets hold JSON primitives only.
//
//	type LinesSource struct{ props map[string]string }
//
//	func (c *LinesSource) Version() string            { return "1.0.0" }
//	func (c *LinesSource) Config() *connect.ConfigDef { return configDef() }
//	func (c *LinesSource) Start(ctx context.Context, props map[string]string) error {
//		if _, err := configDef().Parse(props); err != nil {
//			return fmt.Errorf("lines source: %w", err)
//		}
//		c.props = props
//		return nil
//	}
//	func (c *LinesSource) TaskConfigs(maxTasks int) ([]map[string]string, error) {
//		return []map[string]string{c.props}, nil // one file, one task
//	}
//	func (c *LinesSource) Stop() error                 { return nil }
//	func (c *LinesSource) NewTask() connect.SourceTask { return &linesTask{} }
//
//	type linesTask struct {
//		file  string
//		lines []string
//		next  int64
//	}
//
//	func (t *linesTask) Start(ctx context.Context, props map[string]string, tctx connect.SourceTaskContext) error {
//		v, err := configDef().Parse(props)
//		if err != nil {
//			return err
//		}
//		t.file = v.String("file")
//		data, err := os.ReadFile(t.file)
//		if err != nil {
//			return fmt.Errorf("read %q: %w", t.file, err)
//		}
//		t.lines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
//		off, err := tctx.OffsetReader().Offset(ctx, map[string]any{"file": t.file})
//		if err != nil {
//			return err
//		}
//		if n, ok := off["line"].(int64); ok {
//			t.next = n + 1 // resume after the last committed line
//		}
//		return nil
//	}
//
//	func (t *linesTask) Poll(ctx context.Context) ([]connect.SourceRecord, error) {
//		if err := ctx.Err(); err != nil {
//			return nil, err
//		}
//		var out []connect.SourceRecord
//		for ; t.next < int64(len(t.lines)) && len(out) < 100; t.next++ {
//			out = append(out, connect.SourceRecord{
//				Record: connect.Record{Topic: "lines",
//					ValueSchema: connect.StringSchema(), Value: t.lines[t.next]},
//				SourcePartition: map[string]any{"file": t.file},
//				SourceOffset:    map[string]any{"line": t.next},
//			})
//		}
//		return out, nil // nothing new: an empty batch, promptly
//	}
//
//	func (t *linesTask) Stop() error { return nil }
//
//	var Plugin = connect.Plugin{
//		Class: "com.example.LinesSourceConnector", Type: connect.PluginSource, Version: "1.0.0",
//		New: func() connect.Connector { return &LinesSource{} },
//	}
//
// # A minimal sink
//
// A sink task receives SinkRecords in Put and makes them durable in Flush; the runtime
// commits the offsets Flush was given (or those PreCommit returns) only after it returns. A
// record the task cannot write goes to the ErrantRecordReporter (the dead-letter queue when
// errors.tolerance=all); a RetriableError asks the runtime to retry the same batch.
//
//	type stdoutSink struct{ props map[string]string }
//
//	func (c *stdoutSink) Version() string                                          { return "1.0.0" }
//	func (c *stdoutSink) Config() *connect.ConfigDef                               { return connect.NewConfigDef() }
//	func (c *stdoutSink) Start(_ context.Context, props map[string]string) error { c.props = props; return nil }
//	func (c *stdoutSink) Stop() error                                              { return nil }
//	func (c *stdoutSink) NewTask() connect.SinkTask                                { return &stdoutTask{} }
//	func (c *stdoutSink) TaskConfigs(maxTasks int) ([]map[string]string, error) {
//		out := make([]map[string]string, maxTasks) // partitions are dealt out by the runtime
//		for i := range out {
//			out[i] = c.props
//		}
//		return out, nil
//	}
//
//	type stdoutTask struct {
//		w       *bufio.Writer
//		reports connect.ErrantRecordReporter
//	}
//
//	func (t *stdoutTask) Start(_ context.Context, _ map[string]string, tctx connect.SinkTaskContext) error {
//		t.w, t.reports = bufio.NewWriter(os.Stdout), tctx.Reporter()
//		return nil
//	}
//
//	func (t *stdoutTask) Put(ctx context.Context, records []connect.SinkRecord) error {
//		for _, r := range records {
//			s, ok := r.Value.(string)
//			if !ok {
//				if err := t.reports.Report(ctx, r, fmt.Errorf("value of type %T is not a string", r.Value)); err != nil {
//					return err // errors.tolerance=none: the task fails
//				}
//				continue
//			}
//			fmt.Fprintln(t.w, s)
//		}
//		return nil
//	}
//
//	func (t *stdoutTask) Flush(ctx context.Context, _ map[connect.TopicPartition]int64) error {
//		return t.w.Flush() // durable before the offsets are committed
//	}
//
//	func (t *stdoutTask) Stop() error { return nil }
//
// # Data
//
// Keys and values carry a *Schema (nil for schemaless data). With a schema, values use the Go
// types listed on Schema: *Struct for structs, Decimal and time.Time for the logical types.
// Schemaless values are JSON-like: map[string]any, []any, string, bool, int64, float64,
// []byte. Build schemas with the predefined ones (Int32Schema, OptionalStringSchema,
// DecimalSchema, TimestampSchema, ...) and SchemaBuilder; check values with ValidateValue.
//
// # Testing
//
// Every connector runs the conformance suite in package connecttest, with a driver for its
// external system.
package connect
