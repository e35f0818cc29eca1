package bench

// FormatJSONAsRead is FormatJSON with the S3 sink's json.write.as.read: values written as
// they were read, not in Confluent's key order (the opt-in JSON row of P1).
const FormatJSONAsRead = "json-asread"

// asReadVariant is P1's uncompressed worker row with json.write.as.read.
func asReadVariant(job func(kind, comp, format string) Job) variantJob {
	return variantJob{KindWorker + "/none/asread", job(KindWorker, "none", FormatJSONAsRead)}
}

// withAsRead sets json.write.as.read in cfg for a FormatJSONAsRead job.
func withAsRead(j Job, cfg map[string]string) {
	if j.Format == FormatJSONAsRead {
		cfg["json.write.as.read"] = "true"
	}
}
