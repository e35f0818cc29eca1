package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// variantJob is one variant of an interleaved group: its name and the job each run runs.
type variantJob struct {
	name string
	job  Job
}

// interleave runs every variant of a group (of section P1, P6 or P7) Runs times, interleaved A/B/C/A/B/C, checks that
// each run left exactly records records in its bucket, and summarizes the variants over
// valueBytes. RatioToCeiling is each median msg/s over the first variant's (the group's
// ceiling or baseline).
func (r *runner) interleave(ctx context.Context, section string, group []variantJob, records int, valueBytes int64) ([]Variant, error) {
	variants := make([]Variant, len(group))
	for i, g := range group {
		variants[i] = Variant{Name: g.name, Path: g.job.Kind, Compression: compressionName(g.job), Format: g.job.Format, Tasks: g.job.Tasks}
	}
	for run := 1; run <= r.opts.Runs; run++ {
		for i, g := range group {
			j := g.job
			if r.opts.ProfileDir != "" && j.Kind != KindCeiling {
				j.Profile = filepath.Join(r.opts.ProfileDir, fmt.Sprintf("%s-%d.pprof", strings.ReplaceAll(g.name, "/", "-"), run))
			}
			s, err := r.runJob(ctx, j)
			if err == nil && s.Counted != int64(records) {
				err = fmt.Errorf("%w: %d counted, %d loaded", ErrCount, s.Counted, records)
			}
			variants[i].Runs = append(variants[i].Runs, s)
			if err != nil {
				return variants, fmt.Errorf("%s %s run %d: %w", section, g.name, run, err)
			}
			r.progress("%s: %-22s run %d: %8.0f msg/s, %5.1f CPU-s, peak RSS %5.1f MiB, %d records in %d objects",
				section, g.name, run, float64(s.Counted)/s.Seconds, s.CPUSeconds, s.PeakRSSMB, s.Counted, s.Objects)
		}
	}
	for i := range variants {
		summarize(&variants[i], valueBytes, records)
		if variants[0].MsgsPerS.Median > 0 {
			variants[i].RatioToCeiling = variants[i].MsgsPerS.Median / variants[0].MsgsPerS.Median
		}
	}
	return variants, nil
}

// compressionName is the job's s3.compression.type, "snappy" for the Parquet row.
func compressionName(j Job) string {
	switch {
	case j.RegistryURL != "":
		return "snappy"
	case j.Compression == "":
		return "none"
	}
	return j.Compression
}

// archiveGroups are P1's interleaved groups, one per compression, each led by its ceiling:
// uncompressed the worker and serverless paths with JsonFormat and the worker path with
// ByteArrayFormat; gzip and zstd the worker path (the serverless path costs the same CPU,
// and leaving it out keeps make bench within six minutes).
func (r *runner) archiveGroups() [][]variantJob {
	job := func(kind, comp, format string) Job {
		return Job{Kind: kind, Topic: archiveTopic, Compression: comp, Format: format, FlushSize: r.flushSize(), Tasks: r.opts.Tasks, MemoryMB: r.taskMemoryMB(kind)}
	}
	var groups [][]variantJob
	for _, comp := range []string{"none", "gzip", "zstd"} {
		g := []variantJob{{KindCeiling + "/" + comp, job(KindCeiling, comp, "")}, {KindWorker + "/" + comp, job(KindWorker, comp, FormatJSON)}}
		if comp == "none" {
			g = append(g, variantJob{KindServerless + "/" + comp, job(KindServerless, comp, FormatJSON)},
				variantJob{KindWorker + "/" + comp + "/bytes", job(KindWorker, comp, FormatBytes)}, asReadVariant(job))
		}
		if g = r.narrow(g); len(g) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// wants reports whether Options.Only (empty: everything) names a variant or a section
// ("P2" … "P5"): any entry that is a substring of name.
func (r *runner) wants(name string) bool {
	if len(r.opts.Only) == 0 {
		return true
	}
	for _, o := range r.opts.Only {
		if strings.Contains(name, o) {
			return true
		}
	}
	return false
}

// narrow keeps the variants of a group that Options.Only names, led by the group's ceiling
// (or baseline) whenever any is kept; nil when none is.
func (r *runner) narrow(g []variantJob) []variantJob {
	kept := []variantJob{g[0]}
	for _, v := range g[1:] {
		if r.wants(v.name) {
			kept = append(kept, v)
		}
	}
	if len(kept) == 1 && !r.wants(g[0].name) {
		return nil
	}
	return kept
}

// scalingGroup is P6: the worker path, uncompressed JsonFormat, at each of ScalingTasks
// tasks.max on P6's topic.
func (r *runner) scalingGroup() []variantJob {
	var g []variantJob
	for _, n := range r.opts.ScalingTasks {
		g = append(g, variantJob{fmt.Sprintf("worker/none tasks.max=%d", n),
			Job{Kind: KindWorker, Topic: scalingTopic, Compression: "none", Format: FormatJSON, FlushSize: r.flushSize(), Tasks: n, MemoryMB: r.taskMemoryMB(KindWorker)}})
	}
	if len(g) == 0 {
		return nil
	}
	return r.narrow(g)
}

// taskMemoryMB is the memory a P1 job of kind runs in: the cost model's Lambda memory size
// for the connectless paths (their CPU seconds are what P5 bills), none for the ceiling.
func (r *runner) taskMemoryMB(kind string) int {
	if kind == KindCeiling {
		return 0
	}
	return r.opts.Cost.LambdaMemoryMB
}
