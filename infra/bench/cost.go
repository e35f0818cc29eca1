package bench

import "math"

// Prices are the list prices the cost model uses. The defaults are us-east-1 list prices;
// docs/benchmarks.md names each source page and the date they were read.
type Prices struct {
	// LambdaGBSecond is the Lambda arm64 duration price per GB-second (first tier).
	LambdaGBSecond float64 `json:"lambda_gb_second"`
	// LambdaPerMillionRequests is the Lambda request price per million requests.
	LambdaPerMillionRequests float64 `json:"lambda_per_million_requests"`
	// MSKConnectMCUHour is the MSK Connect price per MCU-hour (1 vCPU, 4 GiB).
	MSKConnectMCUHour float64 `json:"msk_connect_mcu_hour"`
	// FirehosePerGB is the Firehose ingestion price per GB with Amazon MSK as the source
	// (first tier; no 5 KB rounding per record for that source).
	FirehosePerGB float64 `json:"firehose_per_gb"`
}

// DefaultPrices are us-east-1 list prices (see docs/benchmarks.md for their sources).
func DefaultPrices() Prices {
	return Prices{LambdaGBSecond: 0.0000133334, LambdaPerMillionRequests: 0.20, MSKConnectMCUHour: 0.11, FirehosePerGB: 0.055}
}

// CostModel holds the assumptions beside the prices.
type CostModel struct {
	Prices Prices `json:"prices"`
	// LambdaMemoryMB is the task function's memory size; Lambda gives 1 vCPU at 1769 MB and
	// CPU in proportion below and above (up to 6 vCPUs). Default 1769.
	LambdaMemoryMB int `json:"lambda_memory_mb"`
	// InvocationSeconds is the length of one task invocation (a slice). Default 300.
	InvocationSeconds float64 `json:"invocation_seconds"`
	// MCUMBPerSecond is what one MSK Connect MCU archives per second. Default 6.25: Kafka
	// Connect's best published S3 sink figure, about 250,000 msg/s of 200 bytes on 8 cores.
	MCUMBPerSecond float64 `json:"mcu_mb_per_second"`
}

func (m *CostModel) defaults() {
	if m.LambdaMemoryMB == 0 {
		m.LambdaMemoryMB = 1769
	}
	if m.InvocationSeconds == 0 {
		m.InvocationSeconds = 300
	}
	if m.MCUMBPerSecond == 0 {
		m.MCUMBPerSecond = 6.25
	}
}

// Cost is the cost of archiving one TB (10^12 bytes of record values).
type Cost struct {
	// Basis names the measurement the Lambda figure comes from.
	Basis     string  `json:"basis"`
	CPUSPerGB float64 `json:"cpu_s_per_gb"`
	// LambdaGBSeconds, LambdaRequests and Lambda are the Lambda arm64 figures per TB.
	LambdaGBSeconds float64 `json:"lambda_gb_seconds"`
	LambdaRequests  float64 `json:"lambda_requests"`
	Lambda          float64 `json:"lambda_usd"`
	// MCUHours and MSKConnect are MSK Connect's.
	MCUHours   float64 `json:"mcu_hours"`
	MSKConnect float64 `json:"msk_connect_usd"`
	// Firehose is Firehose's ingestion charge.
	Firehose float64 `json:"firehose_usd"`
}

// CostPerTB turns CPU seconds per GB into a cost per TB on Lambda arm64, assuming the task is
// CPU-bound (its duration is its CPU time over the vCPUs the memory size buys), beside MSK
// Connect at MCUMBPerSecond per MCU and Firehose per GB.
func (m CostModel) CostPerTB(basis string, cpuSPerGB float64) Cost {
	m.defaults()
	const gbPerTB = 1000
	vcpus := math.Min(float64(m.LambdaMemoryMB)/1769, 6)
	seconds := cpuSPerGB * gbPerTB / vcpus
	gbs := seconds * float64(m.LambdaMemoryMB) / 1024
	requests := math.Ceil(seconds / m.InvocationSeconds)
	mcuHours := 1e6 / m.MCUMBPerSecond / 3600
	return Cost{
		Basis: basis, CPUSPerGB: cpuSPerGB,
		LambdaGBSeconds: gbs, LambdaRequests: requests,
		Lambda:   gbs*m.Prices.LambdaGBSecond + requests/1e6*m.Prices.LambdaPerMillionRequests,
		MCUHours: mcuHours, MSKConnect: mcuHours * m.Prices.MSKConnectMCUHour,
		Firehose: gbPerTB * m.Prices.FirehosePerGB,
	}
}
