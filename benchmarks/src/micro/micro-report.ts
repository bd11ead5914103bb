import type { VariantStats } from './interleaved-runner.js';

export type Phase = 'sdk' | 'no-sdk';

export interface Row extends VariantStats {
  phase: Phase;
  /** ns/call above the undecorated call measured in the same setting. */
  overheadNs: number;
  /** Median ns/call divided by the reference's, or undefined for baselines. */
  ratio: number | undefined;
  reference: string | undefined;
}

export interface Goal {
  goal: string;
  kind: 'sync' | 'async';
  measured: string;
  value: number;
  limit: number;
  met: boolean;
}

/** The row each variant is compared with: what it replaces, or the baseline it adds to. */
const REFERENCES: Record<string, string> = {
  'hand-written': 'undecorated',
  traced: 'hand-written',
  'nestjs-otel': 'hand-written',
  'hand-written.sampled-out': 'undecorated.sampled-out',
  'traced.sampled-out': 'hand-written.sampled-out',
};
const NO_SDK_REFERENCES: Record<string, string> = { 'api-noop': 'undecorated', traced: 'api-noop' };

function baselineOf(name: string): string {
  return name.endsWith('.sampled-out') ? 'undecorated.sampled-out' : 'undecorated';
}

export function buildRows(phase: Phase, stats: VariantStats[]): Row[] {
  const byId = new Map(stats.map((s) => [s.id, s]));
  const references = phase === 'sdk' ? REFERENCES : NO_SDK_REFERENCES;
  return stats.map((s) => {
    const [kind, ...rest] = s.id.split('.');
    const name = rest.join('.');
    const baseline = byId.get(`${kind}.${baselineOf(name)}`)!;
    const referenceName = references[name];
    const reference = referenceName ? byId.get(`${kind}.${referenceName}`) : undefined;
    return {
      ...s,
      phase,
      overheadNs: s.medianNs - baseline.medianNs,
      ratio: reference ? s.medianNs / reference.medianNs : undefined,
      reference: reference?.label.trim(),
    };
  });
}

function pick(rows: Row[], phase: Phase, id: string): Row {
  const row = rows.find((r) => r.phase === phase && r.id === id);
  if (!row) throw new Error(`no result for ${phase} ${id}`);
  return row;
}

export function evaluateGoals(rows: Row[]): Goal[] {
  const goals: Goal[] = [];
  for (const kind of ['sync', 'async'] as const) {
    const delta = pick(rows, 'sdk', `${kind}.traced`).medianNs - pick(rows, 'sdk', `${kind}.hand-written`).medianNs;
    goals.push({
      goal: 'sampled @Traced at most 300 ns above the hand-written wrapper',
      kind,
      measured: `${delta.toFixed(0)} ns above`,
      value: delta,
      limit: 300,
      met: delta <= 300,
    });
  }
  for (const kind of ['sync', 'async'] as const) {
    const traced = pick(rows, 'sdk', `${kind}.traced.sampled-out`).overheadNs;
    const hand = pick(rows, 'sdk', `${kind}.hand-written.sampled-out`).overheadNs;
    goals.push({
      goal: '@Traced under a sampled-out parent at most 1/4 of the hand-written sampled-out cost',
      kind,
      measured: `${traced.toFixed(0)} ns vs ${hand.toFixed(0)} ns = ${(traced / hand).toFixed(3)}x`,
      value: traced / hand,
      limit: 0.25,
      met: traced / hand <= 0.25,
    });
  }
  for (const kind of ['sync', 'async'] as const) {
    const traced = pick(rows, 'no-sdk', `${kind}.traced`);
    const noop = pick(rows, 'no-sdk', `${kind}.api-noop`);
    const ratio = traced.overheadNs / noop.overheadNs;
    goals.push({
      goal: 'no SDK: @Traced within 1.5x of the API no-op wrapper (cost above undecorated)',
      kind,
      measured: `${traced.overheadNs.toFixed(0)} ns vs ${noop.overheadNs.toFixed(0)} ns = ${ratio.toFixed(2)}x (whole call: ${(traced.medianNs / noop.medianNs).toFixed(2)}x)`,
      value: ratio,
      limit: 1.5,
      met: ratio <= 1.5,
    });
  }
  return goals;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatTable(rows: Row[]): string {
  const header = `${pad('phase', 7)} ${pad('variant', 36)} ${pad('ns/call', 8, true)} ${pad('p25-p75', 13, true)} ${pad('+ns', 7, true)} ${pad('ratio', 7, true)}  to`;
  const lines = rows.map((r) =>
    [
      pad(r.phase, 7),
      pad(r.label, 36),
      pad(r.medianNs.toFixed(0), 8, true),
      pad(`${r.p25Ns.toFixed(0)}-${r.p75Ns.toFixed(0)}`, 13, true),
      pad(r.overheadNs.toFixed(0), 7, true),
      pad(r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}x`, 7, true),
      ` ${r.reference ?? ''}`,
    ].join(' '),
  );
  return [header, '-'.repeat(header.length + 30), ...lines].join('\n');
}

export function formatGoals(goals: Goal[]): string {
  return goals
    .map((g) => `${g.met ? 'MET    ' : 'NOT MET'}  [${pad(g.kind, 5)}] ${g.goal}: ${g.measured} (limit ${g.limit})`)
    .join('\n');
}

/** The figures for this machine kind, next to what this run measured. */
export function formatReferenceFigures(rows: Row[]): string {
  const hand = pick(rows, 'sdk', 'sync.hand-written').medianNs;
  const otelDelta = pick(rows, 'sdk', 'sync.nestjs-otel').medianNs - hand;
  const sampledOut = pick(rows, 'sdk', 'sync.hand-written.sampled-out').medianNs;
  return [
    `hand-written recorded span (sync): ${hand.toFixed(0)} ns   (issue: ~2700 ns)`,
    `nestjs-otel @Span above hand-written (sync): ${otelDelta.toFixed(0)} ns   (issue: ~570 ns)`,
    `hand-written call, sampled-out parent (sync): ${sampledOut.toFixed(0)} ns   (issue: ~1600 ns)`,
  ].join('\n');
}
