#!/bin/bash
# Deploys template.yaml to LocalStack with samlocal, with the same resource and parameter
# names as on AWS. Run from anywhere after `docker compose -f localstack/docker-compose.yml up -d`.
#   localstack/deploy.sh            # x86_64 hosts
#   ARCH=arm64 localstack/deploy.sh # arm64 hosts (Apple silicon)
# LocalStack runs the functions in containers of the host's architecture, so the build and the
# Architecture parameter follow ARCH. Needs samlocal, awslocal, Go and make.
set -euo pipefail
cd "$(dirname "$0")/.."
ARCH="${ARCH:-x86_64}"
case "$ARCH" in
arm64 | x86_64) ;;
*) echo "deploy.sh: ARCH=$ARCH: want arm64 or x86_64" >&2; exit 2 ;;
esac
STACK="${STACK:-connectless}"

# The same build as on AWS: BuildMethod makefile runs make build-<LogicalId> for each function;
# sam build hands make no architecture, hence LAMBDA_ARCHITECTURE.
LAMBDA_ARCHITECTURE="$ARCH" samlocal build --build-in-source --parameter-overrides Architecture="$ARCH"
samlocal deploy \
	--template-file .aws-sam/build/template.yaml \
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
