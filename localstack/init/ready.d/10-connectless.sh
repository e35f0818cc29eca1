#!/bin/bash
# Runs inside LocalStack once it is ready: the SAM artifact bucket that deploy.sh uploads what
# `samlocal build` built to, and a SASL/SCRAM secret shaped like MSK's (used only when deploying
# with KafkaSecretName=AmazonMSK_connectless against a SASL-enabled Kafka).
set -euo pipefail
awslocal s3 mb s3://connectless-sam-artifacts || true
awslocal secretsmanager create-secret --name AmazonMSK_connectless \
	--secret-string '{"username":"connect","password":"connect-secret"}' >/dev/null 2>&1 || true
echo "connectless: LocalStack ready for samlocal deploy"
