import { readdirSync, readFileSync } from 'node:fs';
import { machineBusyUs } from '../macro/machine-load.js';
import { processCpuMicros } from './service-process.js';

/** A process whose CPU time the benchmark accounts for, under a label such as `traced essay-lifecycle-service`. */
export interface TrackedProcess {
  label: string;
  pid: number;
}

/** CPU time used so far by the machine and by each tracked process, at one moment. */
export interface CpuSnapshot {
  atMs: number;
  machineUs: number | undefined;
  perLabelUs: Record<string, number>;
  /** CPU time of each PostgreSQL server process (backends come and go with the pools' connections). */
  postgresUs: Map<number, number>;
}

/** CPU used between two snapshots. */
export interface CpuUse {
  /** CPUs' worth of busy time on the whole machine (1.0 = one CPU fully busy). */
  machineCpus: number | undefined;
  /** CPUs' worth used by none of the tracked processes: other load on the machine. */
  otherCpus: number | undefined;
  /** Microseconds of CPU per label. */
  perLabelUs: Record<string, number>;
}

/** CPU time of each PostgreSQL server process (the server and its backends), in microseconds. */
function postgresCpuMicros(): Map<number, number> {
  const perPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/stat`, 'utf8').includes('(postgres)')) continue;
      perPid.set(Number(entry), processCpuMicros(Number(entry)) ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return perPid;
}

/**
 * CPU time of the machine, of each tracked process, of this process (`harness`: the upload driver, the
 * completion listener and the OTLP receiver) and of the PostgreSQL server (`postgres`, every backend:
 * also those of other clients of the same server).
 */
export function takeCpuSnapshot(tracked: readonly TrackedProcess[]): CpuSnapshot {
  const perLabelUs: Record<string, number> = {};
  for (const { label, pid } of tracked) perLabelUs[label] = processCpuMicros(pid) ?? 0;
  const own = process.cpuUsage();
  perLabelUs.harness = own.user + own.system;
  return { atMs: performance.now(), machineUs: machineBusyUs(), perLabelUs, postgresUs: postgresCpuMicros() };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const wallUs = (after.atMs - before.atMs) * 1000;
  const perLabelUs: Record<string, number> = {};
  let trackedUs = 0;
  for (const [label, us] of Object.entries(after.perLabelUs)) {
    perLabelUs[label] = us - (before.perLabelUs[label] ?? 0);
    trackedUs += perLabelUs[label];
  }
  // a backend that started since `before` counts whole; one that ended since loses its last moments
  perLabelUs.postgres = 0;
  for (const [pid, us] of after.postgresUs) perLabelUs.postgres += us - (before.postgresUs.get(pid) ?? 0);
  trackedUs += perLabelUs.postgres;
  const machineUs =
    before.machineUs === undefined || after.machineUs === undefined ? undefined : after.machineUs - before.machineUs;
  return {
    machineCpus: machineUs === undefined ? undefined : machineUs / wallUs,
    otherCpus: machineUs === undefined ? undefined : Math.max(0, machineUs - trackedUs) / wallUs,
    perLabelUs,
  };
}
