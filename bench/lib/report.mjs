// Turns the raw results of bench/run.sh into figures, ratios and target checks; prints tables and writes JSON.
//   node report.mjs <combined.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const combined = JSON.parse(readFileSync(input, 'utf8'));

const round = (value, digits = 1) => (value == null || Number.isNaN(value) ? null : Number(value.toFixed(digits)));

// One shape for every run: requests/s, lifecycles/s, latency in ms, errors, resources.
function figures(run) {
  const raw = run.raw;
  let requestsPerS, lifecyclesPerS, latency, errors, latencyUnit = 'request';
  if (run.kind === 'api' || run.kind === 'soak-load') {
    const seconds = raw.duration_us / 1e6;
    requestsPerS = raw.requests / seconds;
    lifecyclesPerS = run.scenario === 'lifecycle' ? raw.revealed / seconds : null;
    latency = raw.latency_us;
    errors = raw.socket_errors + raw.status_errors;
  } else if (run.backend === 'postgres') {
    requestsPerS = raw.requests_per_s;
    lifecyclesPerS = run.scenario === 'lifecycle' ? raw.transactions_per_s : null;
    latency = raw.latency_us;
    latencyUnit = run.scenario === 'lifecycle' ? 'lifecycle' : 'request';
    errors = raw.errors;
  } else {
    requestsPerS = raw.requests_per_s;
    lifecyclesPerS = run.scenario === 'lifecycle' ? raw.lifecycles_per_s : null;
    latency = raw.latency_us;
    errors = raw.errors;
  }
  return {
    backend: run.backend,
    kind: run.kind,
    scenario: run.scenario,
    concurrency: run.concurrency,
    payload_bytes: run.payload_bytes,
    requests_per_s: round(requestsPerS),
    lifecycles_per_s: round(lifecyclesPerS),
    latency_unit: latencyUnit,
    p50_ms: round(latency.p50 / 1000, 2),
    p90_ms: round(latency.p90 / 1000, 2),
    p99_ms: round(latency.p99 / 1000, 2),
    errors,
    api_cpu_pct: run.api_cpu_pct,
    db_cpu_pct: run.db_cpu_pct,
    machine_cpu_pct: run.machine_cpu_pct,
    api_rss_peak_mb: run.kind === 'ceiling' ? null : run.api_rss_peak_mb,
  };
}

const runs = combined.runs.filter((r) => ['api', 'ceiling', 'soak-load'].includes(r.kind)).map(figures);
const soaks = combined.runs.filter((r) => r.kind === 'soak');
const backends = [...new Set(runs.map((r) => r.backend))].sort((a, b) => (a === 'postgres' ? -1 : b === 'postgres' ? 1 : 0));
const find = (backend, kind, scenario, concurrency, payload = 1024) =>
  runs.find((r) => r.backend === backend && r.kind === kind && r.scenario === scenario && r.concurrency === concurrency && r.payload_bytes === payload);

// API/ceiling: lifecycles for the lifecycle, requests otherwise.
const ratios = [];
for (const backend of backends) {
  for (const api of runs.filter((r) => r.backend === backend && r.kind === 'api' && r.payload_bytes === 1024)) {
    const ceiling = find(backend, 'ceiling', api.scenario, api.concurrency);
    if (!ceiling) continue;
    const metric = api.scenario === 'lifecycle' ? 'lifecycles_per_s' : 'requests_per_s';
    api.ceiling_per_s = ceiling[metric];
    api.ratio = round(api[metric] / ceiling[metric], 2);
    ratios.push({ backend, scenario: api.scenario, concurrency: api.concurrency, metric, api: api[metric], ceiling: ceiling[metric], ratio: api.ratio });
  }
}

// Memory is flat when the last quarter of the soak averages at most max(5 %, 10 MB) above its second quarter.
const soakSummaries = soaks.map((soak) => {
  const values = soak.rss_mb.map(([, mb]) => mb);
  const quarter = Math.max(1, Math.floor(values.length / 4));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const second = mean(values.slice(quarter, 2 * quarter));
  const last = mean(values.slice(-quarter));
  const load = runs.find((r) => r.backend === soak.backend && r.kind === 'soak-load');
  return {
    backend: soak.backend,
    seconds: soak.seconds,
    lifecycles_per_s: load?.lifecycles_per_s ?? null,
    p99_ms: load?.p99_ms ?? null,
    errors: load?.errors ?? null,
    samples: values.length,
    rss_first_mb: values[0] ?? null,
    rss_second_quarter_mb: round(second),
    rss_last_quarter_mb: round(last),
    rss_max_mb: values.length ? Math.max(...values) : null,
    growth_mb: round(last - second),
    flat: values.length >= 4 && last - second <= Math.max(0.05 * second, 10),
    series: soak.rss_mb,
  };
});

const targets = [];
const target = (name, value, goal, met, unit = '') => targets.push({ name, value, target: goal, unit, met });
if (backends.includes('postgres')) {
  const lifecycle = find('postgres', 'api', 'lifecycle', 32);
  if (lifecycle) {
    target('PostgreSQL lifecycle c32 / pgbench ceiling', lifecycle.ratio, '>= 0.5', lifecycle.ratio >= 0.5);
    target('PostgreSQL lifecycles/s at c32', lifecycle.lifecycles_per_s, '>= 2500', lifecycle.lifecycles_per_s >= 2500);
  }
  for (const scenario of ['create', 'lifecycle', 'metadata']) {
    const run = find('postgres', 'api', scenario, 32);
    if (run) target(`PostgreSQL p99 per request, ${scenario} c32`, run.p99_ms, '< 10', run.p99_ms < 10, 'ms');
  }
}
// RSS: the 1 KiB runs and the soak; the payload sweep (up to 256 KiB bodies) is reported, not held to it.
for (const backend of backends) {
  const apiRuns = runs.filter((r) => r.backend === backend && r.kind !== 'ceiling' && r.payload_bytes === 1024);
  const peak = Math.max(...apiRuns.map((r) => r.api_rss_peak_mb ?? 0));
  target(`${backend}: API peak RSS (1 KiB runs and soak)`, peak, '< 200', peak < 200, 'MB');
}
if (backends.includes('dynamodb')) {
  const lifecycle = find('dynamodb', 'api', 'lifecycle', 32);
  if (lifecycle?.ratio != null) {
    target('DynamoDB Local lifecycle c32 / SDK-loop ceiling', lifecycle.ratio, '>= 0.8', lifecycle.ratio >= 0.8);
  }
}
for (const soak of soakSummaries) {
  target(`${soak.backend}: RSS growth over ${soak.seconds} s soak`, soak.growth_mb, '<= max(5 %, 10 MB)', soak.flat, 'MB');
}

// ------------------------------------------------------------------------------------------------- printing

function table(headers, rows) {
  const cells = rows.map((row) => row.map((cell) => (cell == null ? '–' : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row) => '| ' + row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(headers));
  console.log('|' + widths.map((w, i) => (i < 2 ? ':' : '-') + '-'.repeat(w) + (i < 2 ? '-' : ':')).join('|') + '|');
  for (const row of cells) console.log(line(row));
  console.log();
}

console.log(`\nSecretShare benchmark, ${combined.started} → ${combined.finished}, commit ${combined.commit}, ` +
  `${combined.machine.cores} cores, ${combined.settings.duration_s} s runs` +
  (combined.settings.api_env?.length ? `, API environment: ${combined.settings.api_env.join(' ')}` : '') + '\n');
for (const backend of backends) {
  console.log(`${backend === 'postgres' ? 'PostgreSQL 15 (fsync on, synchronous_commit on)' : 'DynamoDB Local 3.3.0'}: main runs, 1 KiB payload`);
  const main = runs.filter((r) => r.backend === backend && r.kind !== 'soak-load' && r.payload_bytes === 1024 &&
    (r.concurrency === 1 || r.concurrency === 32));
  const seen = new Set();
  table(
    ['run', 'scenario', 'conc', 'req/s', 'lifecycles/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'API CPU %', 'DB CPU %', 'host CPU %', 'API RSS MB', 'API/ceiling'],
    main.filter((r) => { const key = `${r.kind}-${r.scenario}-${r.concurrency}`; if (seen.has(key)) return false; seen.add(key); return true; })
      .sort((a, b) => a.concurrency - b.concurrency || a.scenario.localeCompare(b.scenario) || a.kind.localeCompare(b.kind))
      .map((r) => [r.kind === 'api' ? 'API' : (backend === 'postgres' ? 'pgbench' : 'SDK loop') + (r.latency_unit === 'lifecycle' ? '*' : ''),
        r.scenario, r.concurrency, r.requests_per_s, r.lifecycles_per_s, r.p50_ms, r.p90_ms, r.p99_ms, r.errors,
        r.api_cpu_pct, r.db_cpu_pct, r.machine_cpu_pct, r.api_rss_peak_mb, r.ratio]));

  const sweep = runs.filter((r) => r.backend === backend && r.kind === 'api' && r.scenario === 'lifecycle');
  const byConcurrency = sweep.filter((r) => r.payload_bytes === 1024).sort((a, b) => a.concurrency - b.concurrency);
  const byPayload = sweep.filter((r) => r.concurrency === 32).sort((a, b) => a.payload_bytes - b.payload_bytes);
  const uniq = (rows, key) => rows.filter((r, i) => rows.findIndex((s) => s[key] === r[key]) === i);
  if (byConcurrency.length > 2) {
    console.log(`${backend}: lifecycle scaling with connections (1 KiB)`);
    table(['connections', '', 'lifecycles/s', 'p50 ms', 'p99 ms', 'errors', 'API CPU %', 'API RSS MB'],
      uniq(byConcurrency, 'concurrency').map((r) => [r.concurrency, '', r.lifecycles_per_s, r.p50_ms, r.p99_ms, r.errors, r.api_cpu_pct, r.api_rss_peak_mb]));
  }
  if (byPayload.length > 1) {
    console.log(`${backend}: lifecycle scaling with the payload (32 connections)`);
    table(['payload', '', 'lifecycles/s', 'payload MB/s each way', 'p50 ms', 'p99 ms', 'errors', 'API CPU %', 'API RSS MB'],
      uniq(byPayload, 'payload_bytes').map((r) => [`${r.payload_bytes / 1024} KiB`, '', r.lifecycles_per_s,
        round(r.lifecycles_per_s * r.payload_bytes / 1048576), r.p50_ms, r.p99_ms, r.errors, r.api_cpu_pct, r.api_rss_peak_mb]));
  }
}
if (runs.some((r) => r.latency_unit === 'lifecycle')) {
  console.log('* pgbench latency is per lifecycle transaction pair (INSERT, then the reveal batch), not per request.\n');
}
if (soakSummaries.length) {
  console.log('Memory soak (lifecycle, 32 connections)');
  table(['backend', '', 'seconds', 'lifecycles/s', 'p99 ms', 'errors', 'first MB', '2nd quarter MB', 'last quarter MB', 'max MB', 'growth MB', 'flat'],
    soakSummaries.map((s) => [s.backend, '', s.seconds, s.lifecycles_per_s, s.p99_ms, s.errors, s.rss_first_mb, s.rss_second_quarter_mb,
      s.rss_last_quarter_mb, s.rss_max_mb, s.growth_mb, s.flat ? 'yes' : 'NO']));
}
console.log('Targets');
table(['target', 'goal', 'measured', 'met'],
  targets.map((t) => [t.name, `${t.target}${t.unit ? ' ' + t.unit : ''}`, `${t.value}${t.unit ? ' ' + t.unit : ''}`, t.met ? 'yes' : 'NO']));

writeFileSync(output, JSON.stringify({
  started: combined.started,
  finished: combined.finished,
  commit: combined.commit,
  machine: combined.machine,
  settings: combined.settings,
  targets,
  ratios,
  runs,
  soak: soakSummaries,
  raw: combined.runs,
}, null, 2) + '\n');
