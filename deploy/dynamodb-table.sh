#!/usr/bin/env bash
# Creates the production DynamoDB table for SecretShare and turns on TTL (SPEC section 4).
#   Partition key: id (S), no sort key. Billing: on demand. TTL attribute: expires_at (epoch seconds).
# Usage: deploy/dynamodb-table.sh [table-name] [region]
#   defaults: secretshare-secrets, $AWS_REGION (else us-east-1). Credentials: the usual AWS CLI chain.
# Encryption at rest uses the AWS managed KMS key (aws/dynamodb), as in the CloudFormation template.
# Safe to run again: an existing table is left as it is and only TTL is (re)applied.
# For a reviewed, repeatable setup with point-in-time recovery and encryption settings, prefer
# deploy/dynamodb-table.cloudformation.yaml.
set -euo pipefail

table="${1:-secretshare-secrets}"
region="${2:-${AWS_REGION:-us-east-1}}"

if aws dynamodb describe-table --table-name "$table" --region "$region" >/dev/null 2>&1; then
  echo "Table $table already exists in $region; leaving its schema alone."
else
  echo "Creating table $table in $region..."
  aws dynamodb create-table \
    --region "$region" \
    --table-name "$table" \
    --attribute-definitions AttributeName=id,AttributeType=S \
    --key-schema AttributeName=id,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST \
    --sse-specification Enabled=true \
    --tags Key=application,Value=secretshare >/dev/null
  aws dynamodb wait table-exists --table-name "$table" --region "$region"
fi

ttl_status="$(aws dynamodb describe-time-to-live --table-name "$table" --region "$region" \
  --query 'TimeToLiveDescription.TimeToLiveStatus' --output text)"
if [ "$ttl_status" = "ENABLED" ] || [ "$ttl_status" = "ENABLING" ]; then
  echo "TTL is already $ttl_status on $table."
else
  echo "Enabling TTL on expires_at..."
  aws dynamodb update-time-to-live \
    --region "$region" \
    --table-name "$table" \
    --time-to-live-specification Enabled=true,AttributeName=expires_at >/dev/null
fi

echo "Done. Point the API and the cleanup worker at it with DYNAMODB_TABLE=$table AWS_REGION=$region."
