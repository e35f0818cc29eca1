// Package backend opens the state backend a worker or a Lambda function names in its
// state.backend property: bolt (the embedded default), dynamodb, kafka or memory.
package backend
