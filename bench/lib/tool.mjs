// Helpers for bench/run.sh (Node 20, no dependencies).
//   node tool.mjs port                          a free TCP port on 127.0.0.1
//   node tool.mjs body <bytes> <file>           a create request body with a protocol-v1-shaped payload of <bytes>
//   node tool.mjs pgvars <bytes>                 pgbench -D options (hex bytea values and timestamps) for the same payload
//   node tool.mjs seed <baseUrl> <n> <file>     creates n secrets (maxViews null), writes their ids
//   node tool.mjs wait <url> <seconds>          waits until the URL answers 2xx
//   node tool.mjs dynamo-tables <endpoint> <t>  creates table <t> and <t>-events in DynamoDB Local, as deploy/ does in AWS
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const ACCESS_TOKEN = 'YmVuY2htYXJrLWFjY2Vzcy10b2tlbi0zMi1ieXRlcyE'; // same as wrk/common.lua
const [command, ...args] = process.argv.slice(2);

function payload(bytes) {
  const data = randomBytes(bytes);
  data[0] = 0x01; // protocol v1
  return data;
}

function body(bytes, maxViews = undefined) {
  const request = { ciphertext: payload(bytes).toString('base64url'), accessToken: ACCESS_TOKEN };
  if (maxViews !== undefined) request.maxViews = maxViews;
  return JSON.stringify(request);
}

switch (command) {
  case 'port': {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      console.log(server.address().port);
      server.close();
    });
    break;
  }
  case 'body':
    writeFileSync(args[1], body(Number(args[0])));
    break;
  case 'pgvars': {
    const hex = (buffer) => '\\x' + buffer.toString('hex');
    const now = new Date();
    now.setUTCMilliseconds(0);
    const expires = new Date(now.getTime() + 86400_000);
    const hash = (await import('node:crypto')).createHash('sha256').update(Buffer.from(ACCESS_TOKEN, 'base64url')).digest();
    const vars = {
      data: hex(payload(Number(args[0]))),
      hash: hex(hash),
      mhash: hex(randomBytes(32)),
      created: now.toISOString(),
      expires: expires.toISOString(),
      now: now.toISOString(),
      genesis: hex(Buffer.alloc(32)), // EventChain.Genesis
      chash: hex(randomBytes(32)), // a 'created' event's hash, which the API computes
      retention: 'P7D', // StorageOptions.EventRetention's default, 7 days, in a form without spaces
      keyid: 'bench', // the audit key id the API hands each transaction (PostgresAuditKeys)
      pads: randomBytes(128).toString('hex'), // one secret's HMAC pads under the current key, which the API computes per secret
    };
    console.log(Object.entries(vars).map(([k, v]) => `-D ${k}=${v}`).join(' '));
    break;
  }
  case 'seed': {
    const [baseUrl, n, file] = args;
    const ids = [];
    const requestBody = body(1024, null);
    let next = 0;
    const worker = async () => {
      while (next < Number(n)) {
        next++;
        const response = await fetch(`${baseUrl}/api/secrets`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: requestBody,
        });
        if (response.status !== 201) throw new Error(`seed: HTTP ${response.status} ${await response.text()}`);
        ids.push((await response.json()).id);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    writeFileSync(file, ids.join('\n') + '\n');
    break;
  }
  case 'wait': {
    const [url, seconds] = args;
    const deadline = Date.now() + Number(seconds) * 1000;
    for (;;) {
      try {
        const response = await fetch(url);
        if (response.ok) break;
      } catch { /* not yet */ }
      if (Date.now() > deadline) {
        console.error(`timed out waiting for ${url}`);
        process.exit(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    break;
  }
  case 'dynamo-tables': {
    // Outside Development the API creates no table (docs/spec.md section 4); the same keys and TTL as deploy/dynamodb-table.sh.
    const [endpoint, table] = args;
    const call = async (target, request) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${target}`,
          // DynamoDB Local reads the key id from a signature it does not check.
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: JSON.stringify(request),
      });
      if (!response.ok) throw new Error(`${target} ${request.TableName}: ${response.status} ${await response.text()}`);
    };
    for (const [name, keys, ttl] of [
      [table, [['id', 'S', 'HASH']], 'expires_at'],
      [`${table}-events`, [['secret_id', 'S', 'HASH'], ['seq', 'N', 'RANGE']], 'retain_until'],
    ]) {
      await call('CreateTable', {
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: keys.map(([AttributeName, , KeyType]) => ({ AttributeName, KeyType })),
      });
      await call('UpdateTimeToLive', { TableName: name, TimeToLiveSpecification: { AttributeName: ttl, Enabled: true } });
    }
    break;
  }
  default:
    console.error(`unknown command: ${command}`);
    process.exit(2);
}
