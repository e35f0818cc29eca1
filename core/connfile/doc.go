// Package connfile reads connector definitions from files, in the forms Kafka Connect's
// connect-standalone and REST API accept, plus YAML:
//
//   - a flat JSON or YAML object of configuration keys, with "name";
//   - a JSON or YAML object shaped like the POST /connectors body:
//     {"name": ..., "config": {...}, "initial_state": "RUNNING|PAUSED|STOPPED"};
//   - a Java .properties file, with name=...;
//   - several definitions in one file: a JSON array, or YAML documents separated by "---".
//
// Numbers and booleans become strings as Kafka Connect's Jackson decoding does; nested
// values, a missing name and a name that contradicts config.name are errors naming the file.
package connfile
