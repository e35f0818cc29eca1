package devstack

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultRegion is the region devstack's AWS-compatible services answer for.
const DefaultRegion = "us-east-1"

// staticConfig returns an aws.Config with static credentials and a region and no endpoint:
// the caller sets BaseEndpoint per service, as it would through AWS_ENDPOINT_URL_<SERVICE>.
func staticConfig(region, accessKey, secretKey string) aws.Config {
	return aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")),
	}
}
