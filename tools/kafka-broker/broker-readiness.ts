import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

const POLL_INTERVAL_MS = 50;
const PROBE_TIMEOUT_MS = 1000;

/** Why a broker will not become ready. */
export interface BrokerStartFailure {
  readonly reason: string;
  /** The port belongs to someone else: another port may work. */
  readonly portTaken: boolean;
}

/** The broker {@link waitForKafkaBroker} waits for. */
export interface BrokerReadinessTarget {
  readonly host: string;
  readonly port: number;
  /** The cluster id the broker must report, so that another broker on the same port is not taken for it. */
  readonly clusterId: string;
  /** Topics the broker must list. */
  readonly topics: readonly string[];
  /** Polled between attempts: a reason to stop waiting (the process exited, failed to bind), or undefined. */
  failure(): BrokerStartFailure | undefined;
}

type ProbeResult =
  { readonly ready: true } | { readonly ready: false; readonly detail: string; readonly foreign?: true };

function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function probeWithAdmin(target: BrokerReadinessTarget): Promise<ProbeResult> {
  const kafka = new Kafka({
    clientId: 'kafka-test-broker-readiness',
    brokers: [`${target.host}:${target.port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: PROBE_TIMEOUT_MS,
    requestTimeout: 2 * PROBE_TIMEOUT_MS,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { clusterId } = await admin.describeCluster();
    if (clusterId !== target.clusterId) {
      return { ready: false, foreign: true, detail: `another Kafka broker (cluster "${clusterId}") answers there` };
    }
    const listed = new Set(await admin.listTopics());
    const missing = target.topics.filter((topic) => !listed.has(topic));
    return missing.length === 0
      ? { ready: true }
      : { ready: false, detail: `topics not listed yet: ${missing.join(', ')}` };
  } catch (error) {
    return { ready: false, detail: `kafkajs admin: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Wait until the broker's port accepts TCP connections and a kafkajs admin client, connected to it,
 * sees the expected cluster id and lists every expected topic. Polls every 50 ms until `deadline`
 * (a `Date.now()` value).
 *
 * @returns undefined once the broker is ready, or why it will not be.
 */
export async function waitForKafkaBroker(
  target: BrokerReadinessTarget,
  deadline: number,
): Promise<BrokerStartFailure | undefined> {
  let lastDetail: string;
  for (;;) {
    const failure = target.failure();
    if (failure) return failure;
    if (await acceptsConnections(target.host, target.port)) {
      const probe = await probeWithAdmin(target);
      if (probe.ready) return undefined;
      if (probe.foreign) return { reason: probe.detail, portTaken: true };
      lastDetail = probe.detail;
    } else {
      lastDetail = 'the port refuses connections';
    }
    if (Date.now() >= deadline) {
      return { reason: `not ready before the start timeout (last check: ${lastDetail})`, portTaken: false };
    }
    await delay(POLL_INTERVAL_MS);
  }
}
