#!/bin/bash
# Sends one Kafka Connect REST request to the deployed REST function as an API Gateway
# HTTP API (payload 2.0) event, for LocalStack editions without API Gateway v2.
#   localstack/invoke-rest.sh GET /connectors
#   localstack/invoke-rest.sh POST /connectors '{"name":"archive","config":{...}}'
set -euo pipefail
METHOD="$1"; PATH_="$2"; BODY="${3:-}"
STACK="${STACK:-connectless}"
FN=$(awslocal cloudformation describe-stack-resource --stack-name "$STACK" \
	--logical-resource-id RestFunction --query 'StackResourceDetail.PhysicalResourceId' --output text)
EVENT=$(jq -n --arg m "$METHOD" --arg p "$PATH_" --arg b "$BODY" \
	'{version:"2.0",routeKey:"$default",rawPath:$p,rawQueryString:"",headers:{"content-type":"application/json"},
	  requestContext:{stage:"$default",http:{method:$m,path:$p}},body:$b,isBase64Encoded:false}')
awslocal lambda invoke --function-name "$FN" --cli-binary-format raw-in-base64-out \
	--payload "$EVENT" /dev/stdout | jq -r 'select(.statusCode) | "HTTP \(.statusCode)\n\(.body)"'
