// Package javacompat reproduces, byte for byte, how the Java side of Kafka Connect writes
// values, so that connectors and converters built on the SDK produce what Kafka's and
// Confluent's produce:
//
//   - FormatDouble, FormatFloat (and the Append forms): Java's Double.toString and
//     Float.toString, as JDK 19 and later print them;
//   - StringHash, HashMapOrder and its sized and copy variants: java.util.HashMap's iteration
//     order, which decides the key order of every map Kafka or Jackson writes as JSON;
//   - AppendString, AppendJSONDouble, AppendJSONFloat: Jackson's string escaping and number
//     forms;
//   - Encoder: Connect data to JSON, as Kafka's JsonConverter.convertToJson writes a value with
//     a schema (AppendConnect) and as Jackson's ObjectMapper writes a schemaless Java object
//     (AppendJackson);
//   - ToString: Java's String.valueOf of Connect data (Struct{a=1}, {k=v}, [a, b]);
//   - PatternQuote: the quoted text of a SimpleDateFormat or Joda-Time pattern.
//
// Connectors may import it: it depends on package connect only.
package javacompat
