#!/bin/bash
# Deploys template.yaml to LocalStack with samlocal, with the same resource and parameter
# names as on AWS. Run from the repository root after `docker compose -f localstack/docker-compose.yml up -d`.
#   localstack/deploy.sh            # x86_64 hosts
#   ARCH=arm64 localstack/deploy.sh # arm64 hosts (Apple silicon)
set -euo pipefail
cd "$(dirname "$0")/.."
ARCH="${ARCH:-x86_64}"
GOARCH=amd64
[ "$ARCH" = arm64 ] && GOARCH=arm64
STACK="${STACK:-connectless}"

make functions GOARCH="$GOARCH"
samlocal deploy \
	--template-file template.yaml \
	--stack-name "$STACK" \
	--s3-bucket connectless-sam-artifacts \
	--capabilities CAPABILITY_IAM \
	--no-confirm-changeset \
	--parameter-overrides \
		KafkaBootstrapServers=kafka:9092 \
		KafkaSecurityProtocol=PLAINTEXT \
		Architecture="$ARCH" \
		ScheduleExpression="rate(1 minute)" \
		LogRetentionDays=7

awslocal cloudformation describe-stacks --stack-name "$STACK" \
	--query 'Stacks[0].Outputs[].[OutputKey,OutputValue]' --output table
