// The dashboard's drift check (ctest: grafana_dashboard): every metric name that a query of
// docs/grafana/ledger.json names is exported by the server, in a scrape of a live server after
// traffic (tests/openapi/contract_traffic.cc wrote it). A family counts as exported when the
// scrape declares it (# TYPE), with or without samples, or has a sample of that name (a
// histogram's _bucket, _sum and _count). Also checks that the dashboard is one Grafana can
// import: a Prometheus data source input, and panels with queries.
// Usage: node check_dashboard.mjs [--absent-ok PREFIX] <dashboard.json> <metrics.txt>...
// Several scrapes count together. With --absent-ok, names starting with PREFIX may be missing
// from these scrapes: the replication metrics, which a server exports only with NATS, are
// checked by the replication tests against scrapes of `serve --nats` and `follow --listen`.
import fs from 'node:fs';

const args = process.argv.slice(2);
let absentOk = null;
if (args[0] === '--absent-ok') {
  absentOk = args[1];
  args.splice(0, 2);
}
const [dashboardPath, ...metricsPaths] = args;
const metricsPath = metricsPaths.join(' + ');
const dashboard = JSON.parse(fs.readFileSync(dashboardPath, 'utf8'));
const scrape = metricsPaths.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const exported = new Set();
for (const line of scrape.split('\n')) {
  const type = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)/);
  if (type) {
    exported.add(type[1]);
    if (type[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(type[1] + s);
  }
  const sample = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/);
  if (sample) exported.add(sample[1]);
}
if (exported.size < 10) {
  console.error(`${metricsPath} holds ${exported.size} metric names: not a scrape of the server`);
  process.exit(1);
}
const failures = [];
const input = (dashboard.__inputs || []).find((i) => i.type === 'datasource' && i.pluginId === 'prometheus');
if (!input) failures.push('no Prometheus data source in __inputs: Grafana cannot import it with a data source choice');
// PromQL words that are not metric names.
const keywords = new Set(['rate', 'irate', 'sum', 'by', 'without', 'histogram_quantile', 'avg', 'max', 'min',
  'count', 'increase', 'le', 'instance', 'code', 'class', 'witness', 'time', 'on', 'ignoring', 'offset']);
const queried = new Map();
const panels = dashboard.panels || [];
if (panels.length === 0) failures.push('the dashboard has no panels');
for (const panel of panels) {
  if (!panel.targets || panel.targets.length === 0) failures.push(`panel "${panel.title}" has no query`);
  for (const target of panel.targets || []) {
    // Names outside label matchers ({...}) and strings; durations like [5m] removed.
    const expr = target.expr.replace(/\{[^}]*\}/g, '').replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, '');
    for (const m of expr.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
      if (keywords.has(m[0])) continue;
      if (!queried.has(m[0])) queried.set(m[0], panel.title);
    }
  }
}
for (const [name, title] of queried) {
  if (absentOk && name.startsWith(absentOk)) continue;
  if (!exported.has(name)) failures.push(`panel "${title}" queries ${name}, which the server does not export`);
}
const families = [...exported].filter((n) => !/_(bucket|sum|count)$/.test(n) || !exported.has(n.replace(/_(bucket|sum|count)$/, '')));
const unshown = families.filter((n) => !queried.has(n) && ![...queried.keys()].some((q) => q.startsWith(n + '_')));
console.log(`${queried.size} metric names queried by ${panels.length} panels, all among the ${families.length} families exported` +
  (unshown.length ? `; not on the dashboard: ${unshown.join(', ')}` : ''));
if (failures.length) {
  console.error(failures.map((f) => 'FAIL ' + f).join('\n'));
  process.exit(1);
}
