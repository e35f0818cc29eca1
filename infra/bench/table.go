package bench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// PrintTable writes the report as a human table.
func PrintTable(w io.Writer, rep *Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	avg := 0.0
	if rep.Records > 0 {
		avg = float64(rep.ValueBytes) / float64(rep.Records)
	}
	printVariants(w, tw, fmt.Sprintf("P1 archive throughput: %d records of %.0f B (%.1f MB), %d partitions, tasks.max=%d, flush.size=%d, %d CPUs; JsonFormat unless /bytes (ByteArrayFormat); vs the ceiling of the same compression",
		rep.Records, avg, float64(rep.ValueBytes)/1e6, rep.Partitions, rep.Tasks, rep.FlushSize, rep.CPUs), rep.Archive)
	printVariants(w, tw, fmt.Sprintf("P1 Avro -> Parquet (AvroConverter + ParquetFormat; ceiling: hamba/avro decode + parquet-go write + PutObject): %d records, %.1f MB",
		rep.AvroRecords, float64(rep.AvroValueBytes)/1e6), rep.AvroParquet)
	printIceberg(w, tw, rep) // iceberg.go
	printVariants(w, tw, fmt.Sprintf("P7 source path, file -> Kafka (ceiling: bufio lines + kafka-go writer; worker: FileStreamSource, StringConverter): %d records, %.1f MB",
		rep.SourceRecords, float64(rep.SourceValueBytes)/1e6), rep.Source)
	if len(rep.Scaling) > 0 {
		fmt.Fprintf(w, "\nP6 scaling (worker path, uncompressed JsonFormat, %d records over %d partitions; vs the first row)\n", rep.ScalingRecords, rep.Partitions)
		fmt.Fprintln(tw, "variant\tmsg/s median\tmsg/s per task\tCPU-s/GB\tpeak RSS MiB\tvs first\tcounted\t")
		for _, v := range rep.Scaling {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.1f\t%.1f\t%.0f%%\t%d\t\n", v.Name, v.MsgsPerS.Median, v.MsgsPerS.Median/float64(max(v.Tasks, 1)),
				v.CPUSPerGB.Median, v.PeakRSSMB.Median, 100*v.RatioToCeiling, lastCounted(v))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nP2 memory (worker path, one task, uncompressed, in %d MiB: Go memory limit and GC as the task function sets them)\n", rep.MemoryMB)
	fmt.Fprintln(tw, "partitions\trecords\tpeak RSS MiB\tfile-backed MiB\tseconds\t")
	for _, m := range rep.Memory {
		fmt.Fprintf(tw, "%d\t%d\t%.1f\t%.1f\t%.1f\t%s\n", m.Partitions, m.Counted, m.PeakRSSMB, m.FileRSSMB, m.Seconds, m.Error)
	}
	tw.Flush()
	o := rep.Overhead
	fmt.Fprintln(w, "\nP3 invocation overhead (ms: min / median / max)")
	fmt.Fprintf(w, "  store round trips on DynamoDB (lease, connector, offsets, commit, status, release): %s\n", fmtStat(o.StoreMs))
	if o.ColdInitMs.Max > 0 {
		fmt.Fprintf(w, "  task bootstrap under aws-lambda-rie, cold first invocation: %s\n", fmtStat(o.ColdInitMs))
		fmt.Fprintf(w, "  task bootstrap under aws-lambda-rie, warm invocation:       %s\n", fmtStat(o.WarmInvokeMs))
	} else {
		fmt.Fprintln(w, "  cold init: skipped (no --task-bootstrap)")
	}
	if o.IcebergColdInitMs.Max > 0 {
		fmt.Fprintf(w, "  Iceberg task bootstrap (iceberg-go linked), cold first invocation: %s\n", fmtStat(o.IcebergColdInitMs))
		fmt.Fprintf(w, "  Iceberg task bootstrap (iceberg-go linked), warm invocation:       %s\n", fmtStat(o.IcebergWarmInvokeMs))
	}
	if o.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", o.Error)
	}
	fmt.Fprintf(w, "\nP4 fan-out: scheduler tick (assign, plan, dispatch) over %d tasks on DynamoDB, ms: %s\n", rep.FanOut.Tasks, fmtStat(rep.FanOut.TickMs))
	if rep.FanOut.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", rep.FanOut.Error)
	}
	m := rep.Model
	fmt.Fprintf(w, "\nP5 cost per TB archived (Lambda arm64 at %d MB, %.0f s invocations; MSK Connect at %.2f MB/s per MCU; Firehose with MSK source)\n",
		m.LambdaMemoryMB, m.InvocationSeconds, m.MCUMBPerSecond)
	fmt.Fprintln(tw, "basis\tCPU-s/GB\tLambda GB-s\tLambda $\tMSK Connect MCU-h\tMSK Connect $\tFirehose $\t")
	for _, c := range rep.Cost {
		fmt.Fprintf(tw, "%s\t%.1f\t%.0f\t%.2f\t%.0f\t%.2f\t%.2f\t\n", c.Basis, c.CPUSPerGB, c.LambdaGBSeconds, c.Lambda, c.MCUHours, c.MSKConnect, c.Firehose)
	}
	tw.Flush()
	fmt.Fprintf(w, "  prices: Lambda $%.10f/GB-s + $%.2f/1M requests, MSK Connect $%.3f/MCU-hour, Firehose $%.3f/GB\n",
		m.Prices.LambdaGBSecond, m.Prices.LambdaPerMillionRequests, m.Prices.MSKConnectMCUHour, m.Prices.FirehosePerGB)
	fmt.Fprintf(w, "\ntotal %.1fs\n", rep.Seconds)
}

func fmtStat(s Stat) string { return fmt.Sprintf("%.1f / %.1f / %.1f", s.Min, s.Median, s.Max) }

// printVariants writes a titled table of variants; nothing when there are none.
func printVariants(w io.Writer, tw *tabwriter.Writer, title string, vs []Variant) {
	if len(vs) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	fmt.Fprintln(tw, "variant\tmsg/s min\tmedian\tmax\tMB/s\tCPU-s/GB\tpeak RSS MiB\tvs ceiling\tcounted\t")
	for _, v := range vs {
		printVariant(tw, v)
	}
	tw.Flush()
}

// printVariant writes one P1 row.
func printVariant(w io.Writer, v Variant) {
	fmt.Fprintf(w, "%s\t%.0f\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%.0f%%\t%d\t\n", v.Name, v.MsgsPerS.Min, v.MsgsPerS.Median, v.MsgsPerS.Max,
		v.MBPerS.Median, v.CPUSPerGB.Median, v.PeakRSSMB.Median, 100*v.RatioToCeiling, lastCounted(v))
}

// lastCounted is the records counted in the bucket after the variant's last run.
func lastCounted(v Variant) int64 {
	if len(v.Runs) == 0 {
		return 0
	}
	return v.Runs[len(v.Runs)-1].Counted
}
