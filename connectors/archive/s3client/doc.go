// Package s3client builds the S3 client of the S3 connectors from their configuration keys
// (s3.region, store.url, static keys, path style, retries), on top of the AWS SDK's standard
// configuration.
package s3client
