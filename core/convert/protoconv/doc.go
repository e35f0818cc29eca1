// Package protoconv is Confluent's io.confluent.connect.protobuf.ProtobufConverter: Connect
// records to Protobuf in the Schema Registry wire format (magic byte 0, 4-byte schema id, the
// message-index list, the message) and back. Schema text from the registry, with the files it
// imports (registered as other subjects), is compiled with bufbuild/protocompile; messages
// are encoded and decoded as dynamic messages (google.golang.org/protobuf's dynamicpb).
package protoconv
