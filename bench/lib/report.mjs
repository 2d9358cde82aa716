// Turns the raw results of bench/run.sh into figures, ratios and target checks; prints tables and writes JSON.
//   node report.mjs <combined.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
const combined = JSON.parse(readFileSync(input, 'utf8'));

const round = (value, digits = 1) => (value == null || Number.isNaN(value) ? null : Number(value.toFixed(digits)));

// A PostgreSQL variant of --pg-variant is its own series ("postgres:name"), measured and reported like a backend.
const seriesOf = (run) => (run.variant ? `${run.backend}:${run.variant}` : run.backend);

// One shape for every run: requests/s, lifecycles/s, latency in ms, errors, resources.
function figures(run) {
  const raw = run.raw;
  let requestsPerS, lifecyclesPerS, latency, errors, latencyUnit = 'request';
  if (run.kind !== 'ceiling') {
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
    series: seriesOf(run),
    kind: run.kind,
    order: run.order ?? null, // a ceiling taken before or after the API's run
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
    api_log_lines: run.api_log_lines ?? null,
    // The cost of a secret, comparable across commits and hosts whatever the throughput: lifecycles per second of API CPU.
    lifecycles_per_api_cpu_s: run.kind !== 'ceiling' && lifecyclesPerS != null && run.api_cpu_s > 0
      ? Math.round((lifecyclesPerS * run.elapsed_s) / run.api_cpu_s) : null,
    autovacuums: run.autovacuums ?? null,
    db_cpu_pct: run.db_cpu_pct,
    machine_cpu_pct: run.machine_cpu_pct,
    api_rss_peak_mb: run.kind === 'ceiling' ? null : run.api_rss_peak_mb,
  };
}

const runs = combined.runs.filter((r) => r.raw).map(figures);
const soaks = combined.runs.filter((r) => r.kind === 'soak');
// PostgreSQL first, each backend before its variants.
const backendRank = (series) => (series.startsWith('postgres') ? 0 : 2) + (series.includes(':') ? 1 : 0);
const backends = [...new Set(runs.filter((r) => !r.kind.startsWith('apphost')).map((r) => r.series))]
  .sort((a, b) => backendRank(a) - backendRank(b) || a.localeCompare(b));
const matching = (series, kind, scenario, concurrency, payload = 1024) =>
  runs.filter((r) => r.series === series && r.kind === kind && r.scenario === scenario && r.concurrency === concurrency && r.payload_bytes === payload);
const find = (...key) => matching(...key)[0];

// API/ceiling: lifecycles for the lifecycle, requests otherwise; against the mean of the ceilings taken around the run.
const ratios = [];
for (const backend of backends) {
  for (const api of runs.filter((r) => r.series === backend && r.kind === 'api' && r.payload_bytes === 1024)) {
    const ceilings = matching(backend, 'ceiling', api.scenario, api.concurrency);
    if (!ceilings.length) continue;
    const metric = api.scenario === 'lifecycle' ? 'lifecycles_per_s' : 'requests_per_s';
    const ceiling = ceilings.reduce((sum, r) => sum + r[metric], 0) / ceilings.length;
    api.ceiling_per_s = round(ceiling);
    api.ratio = round(api[metric] / ceiling, 2);
    ratios.push({ backend, scenario: api.scenario, concurrency: api.concurrency, metric, api: api[metric], ceiling: api.ceiling_per_s,
      ceilings: ceilings.map((r) => r[metric]), ratio: api.ratio });
  }
}

// Memory is flat when the last quarter of the soak averages at most max(5 %, 10 MB) above its second quarter.
const soakSummaries = soaks.map((soak) => ({ ...soak, backend: seriesOf(soak) })).map((soak) => {
  const values = soak.rss_mb.map(([, mb]) => mb);
  const quarter = Math.max(1, Math.floor(values.length / 4));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const second = mean(values.slice(quarter, 2 * quarter));
  const last = mean(values.slice(-quarter));
  const load = runs.find((r) => r.series === soak.backend && r.kind === 'soak-load');
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
  if (backend.includes(':')) continue;
  const apiRuns = runs.filter((r) => r.series === backend && ['api', 'soak-load'].includes(r.kind) && r.payload_bytes === 1024);
  const peak = Math.max(...apiRuns.map((r) => r.api_rss_peak_mb ?? 0));
  target(`${backend}: API peak RSS (1 KiB runs and soak)`, peak, '< 200', peak < 200, 'MB');
}
if (backends.includes('dynamodb')) {
  const lifecycle = find('dynamodb', 'api', 'lifecycle', 32);
  if (lifecycle?.ratio != null) {
    target('DynamoDB Local lifecycle c32 / SDK-loop ceiling', lifecycle.ratio, '>= 0.8', lifecycle.ratio >= 0.8);
  }
  for (const scenario of ['create', 'lifecycle', 'metadata']) {
    const run = find('dynamodb', 'api', scenario, 32);
    const ceiling = find('dynamodb', 'ceiling', scenario, 32);
    // Reported against the SDK loop's own tail in the same run: DynamoDB Local sets it, and no absolute goal applies.
    if (run && ceiling) target(`DynamoDB p99 per request, ${scenario} c32 (SDK loop ${ceiling.p99_ms} ms)`, run.p99_ms, 'reported', null, 'ms');
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
const title = (series) => {
  const [backend, variant] = series.split(':');
  return (backend === 'postgres' ? 'PostgreSQL 15 (fsync on, synchronous_commit on, autovacuum on)' : 'DynamoDB Local 3.3.0') +
    (variant ? `, variant "${variant}" (${combined.settings.pg_variants?.[variant] ?? '?'})` : '');
};
// Within a scenario: the ceiling taken before the API's run, the API, the ceiling after.
const rank = (r) => (r.kind === 'api' ? 1 : r.order === 'after' ? 2 : r.order === 'before' ? 0 : 3);
for (const backend of backends) {
  const postgres = backend.startsWith('postgres');
  console.log(`${title(backend)}: main runs, 1 KiB payload`);
  const main = runs.filter((r) => r.series === backend && ['api', 'ceiling'].includes(r.kind) && r.payload_bytes === 1024 &&
    (r.concurrency === 1 || r.concurrency === 32));
  const seen = new Set();
  table(
    ['run', 'scenario', 'conc', 'req/s', 'lifecycles/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors', 'API CPU %', 'lifecycles per API CPU-s',
      'DB CPU %', 'host CPU %', 'API RSS MB', 'API log lines', 'API/ceiling', ...(postgres ? ['autovacuums'] : [])],
    main.filter((r) => { const key = `${r.kind}-${r.order}-${r.scenario}-${r.concurrency}`; if (seen.has(key)) return false; seen.add(key); return true; })
      .sort((a, b) => a.concurrency - b.concurrency || a.scenario.localeCompare(b.scenario) ||
        rank(a) - rank(b))
      .map((r) => [r.kind === 'api' ? 'API' : (postgres ? 'pgbench' : 'SDK loop') + (r.latency_unit === 'lifecycle' ? '*' : '') +
        (r.order ? `, ${r.order}` : ''),
        r.scenario, r.concurrency, r.requests_per_s, r.lifecycles_per_s, r.p50_ms, r.p90_ms, r.p99_ms, r.errors,
        r.api_cpu_pct, r.lifecycles_per_api_cpu_s, r.db_cpu_pct, r.machine_cpu_pct, r.api_rss_peak_mb, r.api_log_lines, r.ratio,
        ...(postgres ? [r.autovacuums?.join(' ') || '0'] : [])]));

  const sweep = runs.filter((r) => r.series === backend && r.kind === 'api' && r.scenario === 'lifecycle');
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
  console.log('* pgbench latency is per lifecycle transaction pair (create batch, then the reveal batch), not per request.');
}
if (runs.some((r) => r.order)) {
  console.log('The lifecycle ceiling runs right before and right after the API\'s run; API/ceiling divides by the mean of the two.\n');
}

// The A/B of --pg-variant: the shipped schema against each variant, same run, same settings.
const variants = backends.filter((b) => b.startsWith('postgres'));
if (variants.length > 1) {
  console.log('PostgreSQL A/B at 32 connections (shipped schema first; "autovacuums" lists the vacuums that ended during the run)');
  table(['series', '', 'lifecycles/s', 'API/ceiling', 'lifecycles per API CPU-s', 'p99 create ms', 'p99 lifecycle ms', 'p99 metadata ms', 'autovacuums'],
    variants.map((series) => {
      const [create, lifecycle, metadata] = ['create', 'lifecycle', 'metadata'].map((s) => find(series, 'api', s, 32));
      const vacuums = [create, lifecycle, metadata].flatMap((r) => r?.autovacuums ?? []);
      return [series, '', lifecycle?.lifecycles_per_s, lifecycle?.ratio, lifecycle?.lifecycles_per_api_cpu_s,
        create?.p99_ms, lifecycle?.p99_ms, metadata?.p99_ms, vacuums.join(' ') || '0'];
    }));
}

// The AppHost's proxy: the same lifecycle through the endpoint users open, and straight to the API replica's own port.
const proxied = runs.find((r) => r.kind === 'apphost-proxy');
const unproxied = runs.find((r) => r.kind === 'apphost-direct');
const direct = find('postgres', 'api', 'lifecycle', 32);
if (proxied && unproxied) {
  console.log('PostgreSQL behind the AppHost (its local PostgreSQL executable, which runs with fsync off; Development; telemetry to the dashboard): lifecycle, 32 connections');
  table(['run', '', 'lifecycles/s', 'p50 ms', 'p99 ms', 'errors', 'API CPU %', 'lifecycles per API CPU-s', 'host CPU %', 'ratio to proxied'],
    [['AppHost, through its proxy', '', proxied.lifecycles_per_s, proxied.p50_ms, proxied.p99_ms, proxied.errors, proxied.api_cpu_pct,
      proxied.lifecycles_per_api_cpu_s, proxied.machine_cpu_pct, 1],
    ['AppHost, the replica\'s own port', '', unproxied.lifecycles_per_s, unproxied.p50_ms, unproxied.p99_ms, unproxied.errors, unproxied.api_cpu_pct,
      unproxied.lifecycles_per_api_cpu_s, unproxied.machine_cpu_pct, round(unproxied.lifecycles_per_s / proxied.lifecycles_per_s, 2)],
    ...(direct ? [['bench/run.sh, API alone (Release, Production)', '', direct.lifecycles_per_s, direct.p50_ms, direct.p99_ms, direct.errors,
      direct.api_cpu_pct, direct.lifecycles_per_api_cpu_s, direct.machine_cpu_pct, round(direct.lifecycles_per_s / proxied.lifecycles_per_s, 2)]] : [])]);
  target('AppHost proxy: proxied / direct lifecycles at c32 (same AppHost)', round(proxied.lifecycles_per_s / unproxied.lifecycles_per_s, 2), 'reported', null);
}

if (soakSummaries.length) {
  console.log('Memory soak (lifecycle, 32 connections)');
  table(['backend', '', 'seconds', 'lifecycles/s', 'p99 ms', 'errors', 'first MB', '2nd quarter MB', 'last quarter MB', 'max MB', 'growth MB', 'flat'],
    soakSummaries.map((s) => [s.backend, '', s.seconds, s.lifecycles_per_s, s.p99_ms, s.errors, s.rss_first_mb, s.rss_second_quarter_mb,
      s.rss_last_quarter_mb, s.rss_max_mb, s.growth_mb, s.flat ? 'yes' : 'NO']));
}
console.log('Targets');
table(['target', 'goal', 'measured', 'met'],
  targets.map((t) => [t.name, `${t.target}${t.unit ? ' ' + t.unit : ''}`, `${t.value}${t.unit ? ' ' + t.unit : ''}`, t.met == null ? '–' : t.met ? 'yes' : 'NO']));

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
