// Package s3client builds the S3 client of the S3 connectors from their configuration keys
// (s3.region, store.url, static keys, path style, retries), on top of the AWS SDK's standard
// configuration: an unset s3.region takes the SDK's region (AWS_REGION, the profile) before
// Confluent's us-west-2, and the Session says which one it uses. CheckBucket is the
// connectors' preflight (the bucket exists and answers, the identity may read or write), and
// Explain turns an S3 error into one line naming the key to change, the region, the endpoint
// and the identity (never a secret).
package s3client
