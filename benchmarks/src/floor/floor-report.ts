import type { VariantStats } from '../micro/interleaved-runner.js';
import type { VariantId } from './floor-transport.js';

/** The goal of issue 13: nest-tracing adds at most 1.1 times what the hand-written floor adds. */
export const GOAL_RATIO = 1.1;

export interface FloorRow {
  transport: string;
  label: string;
  iterations: number;
  rounds: number;
  /** Median ns per operation, and p25-p75 over rounds, per variant. */
  ns: Record<VariantId, { median: number; p25: number; p75: number }>;
  /** Median minus the untraced median. */
  addedNs: { handWritten: number; nestTracing: number };
  /** nest-tracing's added ns over the hand-written floor's. */
  ratio: number;
  /** nest-tracing's whole operation over the hand-written one's. */
  wholeRatio: number;
  goalMet: boolean;
}

export function floorRow(
  transport: { id: string; label: string; iterations: number },
  stats: VariantStats[],
): FloorRow {
  const of = (id: VariantId) => {
    const found = stats.find((s) => s.id === id);
    if (!found) throw new Error(`${transport.id}: no stats for ${id}`);
    return { median: found.medianNs, p25: found.p25Ns, p75: found.p75Ns };
  };
  const ns = { untraced: of('untraced'), 'hand-written': of('hand-written'), 'nest-tracing': of('nest-tracing') };
  const handWritten = ns['hand-written'].median - ns.untraced.median;
  const nestTracing = ns['nest-tracing'].median - ns.untraced.median;
  const ratio = nestTracing / handWritten;
  return {
    transport: transport.id,
    label: transport.label,
    iterations: transport.iterations,
    rounds: stats[0]?.rounds ?? 0,
    ns,
    addedNs: { handWritten, nestTracing },
    ratio,
    wholeRatio: ns['nest-tracing'].median / ns['hand-written'].median,
    goalMet: ratio <= GOAL_RATIO,
  };
}

const pad = (text: string, width: number, left = false): string => (left ? text.padEnd(width) : text.padStart(width));
const round = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The wall-clock table: ns per operation (p25-p75), what each traced variant adds, and the ratio. */
export function formatFloorTable(rows: FloorRow[]): string {
  const header = [
    pad('transport', 18, true),
    pad('untraced', 16),
    pad('hand-written', 18),
    pad('nest-tracing', 18),
    pad('+hand', 8),
    pad('+ours', 8),
    pad('ours/hand', 10),
    pad('goal <= 1.1', 12),
  ].join(' ');
  const cell = (s: { median: number; p25: number; p75: number }) =>
    `${round(s.median)} (${round(s.p25)}-${round(s.p75)})`;
  const lines = rows.map((row) =>
    [
      pad(row.transport, 18, true),
      pad(cell(row.ns.untraced), 16),
      pad(cell(row.ns['hand-written']), 18),
      pad(cell(row.ns['nest-tracing']), 18),
      pad(round(row.addedNs.handWritten), 8),
      pad(round(row.addedNs.nestTracing), 8),
      pad(`${row.ratio.toFixed(2)}x`, 10),
      pad(row.goalMet ? 'met' : 'NOT MET', 12),
    ].join(' '),
  );
  return [header, ...lines].join('\n');
}
