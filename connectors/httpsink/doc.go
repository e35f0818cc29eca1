// Package httpsink is an HTTP sink connector: it POSTs (or PUTs/PATCHes) batches of record values
// to one URL as a JSON array or as NDJSON, with static headers and basic or bearer
// authentication. Key names follow Confluent's HTTP sink (http.api.url, request.method,
// headers, auth.type, connection.user, connection.password, batch.max.size, max.retries,
// retry.backoff.ms); secrets are PASSWORD keys, so config providers resolve them.
//
// A string or bytes value must hold a JSON document and is sent as it is; other values are
// written as a Java sink writes them (javacompat): a Struct as Kafka's JsonConverter does
// without schemas (decimals as numbers, Timestamp as epoch milliseconds), anything else as
// Jackson does (1.0E7, "NaN", maps in java.util.HashMap order).
//
// Delivery: 2xx is success; 408, 429 and 5xx are retried with exponential backoff, at least
// as long as a Retry-After header asks; 401, 403, 404, 405 and 407 mean the URL or the
// credentials are wrong and fail the task; any other 4xx rejects the batch, which is then
// split in halves until the records the server refuses are isolated and sent to the errant
// record reporter (the dead-letter queue with errors.tolerance=all). Records are sent by Put
// and Flush before their offsets are committed: delivery is at least once.
package httpsink
