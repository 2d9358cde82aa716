#!/usr/bin/env bash
# Creates the production DynamoDB tables for SecretShare and turns on TTL (SPEC section 4, docs/design.md "Events").
#   table:        partition key id (S), no sort key; TTL attribute expires_at (epoch seconds).
#   table-events: partition key secret_id (S), sort key seq (N); TTL attribute retain_until (epoch seconds).
#   Billing: on demand.
# Usage: deploy/dynamodb-table.sh [table-name] [region]
#   defaults: secretshare-secrets, $AWS_REGION (else us-east-1). Credentials: the usual AWS CLI chain.
# Encryption at rest uses the AWS managed KMS key (aws/dynamodb), as in the CloudFormation template.
# Safe to run again: an existing table is left as it is and only TTL is (re)applied.
# For a reviewed, repeatable setup with point-in-time recovery and encryption settings, prefer
# deploy/dynamodb-table.cloudformation.yaml.
set -euo pipefail

table="${1:-secretshare-secrets}"
region="${2:-${AWS_REGION:-us-east-1}}"

# ensure_table NAME TTL_ATTRIBUTE ATTRIBUTE_DEFINITIONS... -- KEY_SCHEMA...
ensure_table() {
  local name=$1 ttl_attribute=$2
  shift 2
  local definitions=() keys=()
  while [ "$1" != "--" ]; do definitions+=("$1"); shift; done
  shift
  keys=("$@")

  if aws dynamodb describe-table --table-name "$name" --region "$region" >/dev/null 2>&1; then
    echo "Table $name already exists in $region; leaving its schema alone."
  else
    echo "Creating table $name in $region..."
    aws dynamodb create-table \
      --region "$region" \
      --table-name "$name" \
      --attribute-definitions "${definitions[@]}" \
      --key-schema "${keys[@]}" \
      --billing-mode PAY_PER_REQUEST \
      --sse-specification Enabled=true \
      --tags Key=application,Value=secretshare >/dev/null
    aws dynamodb wait table-exists --table-name "$name" --region "$region"
  fi

  local ttl_status
  ttl_status="$(aws dynamodb describe-time-to-live --table-name "$name" --region "$region" \
    --query 'TimeToLiveDescription.TimeToLiveStatus' --output text)"
  if [ "$ttl_status" = "ENABLED" ] || [ "$ttl_status" = "ENABLING" ]; then
    echo "TTL is already $ttl_status on $name."
  else
    echo "Enabling TTL on $ttl_attribute..."
    aws dynamodb update-time-to-live \
      --region "$region" \
      --table-name "$name" \
      --time-to-live-specification "Enabled=true,AttributeName=$ttl_attribute" >/dev/null
  fi
}

ensure_table "$table" expires_at AttributeName=id,AttributeType=S -- AttributeName=id,KeyType=HASH
# The services derive the events table's name from DYNAMODB_TABLE.
ensure_table "$table-events" retain_until \
  AttributeName=secret_id,AttributeType=S AttributeName=seq,AttributeType=N -- \
  AttributeName=secret_id,KeyType=HASH AttributeName=seq,KeyType=RANGE

echo "Done. Point the API and the cleanup worker at it with DYNAMODB_TABLE=$table AWS_REGION=$region."
