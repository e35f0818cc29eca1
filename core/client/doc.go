// Package client is a typed Go client for the Kafka Connect REST API as connectless (and
// Apache Kafka Connect) serves it: connectors, their configuration, status, tasks, topics and
// offsets, connector plugins and validation, and /admin/loggers.
//
// Requests can be sent without authentication, with HTTP basic authentication (Kafka
// Connect's BasicAuthSecurityRestExtension), or signed with AWS Signature Version 4 for the
// IAM-authorized API Gateway in front of the REST function:
//
//	c, err := client.New("https://abc.execute-api.eu-west-1.amazonaws.com",
//		client.WithSigV4(awsCfg.Credentials, awsCfg.Region))
//	names, err := c.Connectors(ctx)
//
// A non-2xx answer is an *APIError carrying the server's error_code and message (Kafka
// Connect's ErrorMessage); errors.Is matches it against ErrNotFound, ErrConflict,
// ErrBadRequest and ErrUnauthorized. A server that cannot be reached gives ErrUnreachable.
// Entity types are the REST entities of core/restapi and core/connect, so a value decoded here
// is the value the server encoded.
package client
