import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

const PRODUCE = 0;
const FETCH = 1;
const METADATA = 3;
const FIND_COORDINATOR = 10;
/** Longest a fetch is held when its request names no wait we can read (the services ask for 100 ms). */
const DEFAULT_HOLD_MS = 100;
const MAX_HOLD_MS = 500;

/** What the proxy did with the consumers' fetches. */
export interface LongPollStats {
  /** Forwarded at once: something was produced since the connection's previous fetch. */
  forwarded: number;
  /** Held, then forwarded when something was produced. */
  woken: number;
  /** Held for the fetch's whole wait, then forwarded (the broker answers it empty). */
  timedOut: number;
}

/** Splits a byte stream into Kafka frames (a 4-byte big-endian size, then that many bytes). */
function frameReader(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = 4 + pending.readInt32BE(0);
      onFrame(pending.subarray(0, size));
      pending = pending.subarray(size);
    }
  };
}

/** `max_wait_ms` of a Fetch request (versions 0-11: header v1, then replica_id and max_wait_ms), else the default. */
function fetchWaitMs(frame: Buffer): number {
  const version = frame.readInt16BE(6);
  const clientIdLength = frame.readInt16BE(12);
  const offset = 14 + Math.max(0, clientIdLength) + 4;
  if (version > 11 || frame.length < offset + 4) return DEFAULT_HOLD_MS;
  return Math.min(MAX_HOLD_MS, Math.max(0, frame.readInt32BE(offset)));
}

interface ClientConnection {
  upstream: Socket;
  /** The produce generation when this connection's last fetch went to the broker. */
  lastFetchGeneration: number;
  held?: { frame: Buffer; timer: NodeJS.Timeout };
}

/**
 * A TCP proxy in front of the Kafka test broker (mokapi) that gives consumers Kafka's long polling.
 * mokapi answers a Fetch at once even when there is nothing new, ignoring `max_wait_ms`, so every idle
 * kafkajs consumer polls it thousands of times a second, and the consumers and the broker burn most
 * of two cores doing nothing. The proxy holds a fetch (up to its `max_wait_ms`) until something is
 * produced, as a Kafka broker holds it until data arrives; a fetch on a connection that has not
 * fetched since the last produce goes through at once. It reads only frame sizes, API keys and
 * correlation ids, and rewrites the broker's port to its own in Metadata and FindCoordinator answers,
 * so that every connection the clients open comes through it.
 */
export class KafkaLongPollProxy {
  readonly stats: LongPollStats = { forwarded: 0, woken: 0, timedOut: 0 };
  private generation = 0;
  private readonly connections = new Set<ClientConnection>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** `127.0.0.1:<port>` for the clients' `brokers`. */
  get address(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const connection of this.connections) clearTimeout(connection.held?.timer);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private accept(client: Socket): void {
    const upstream = createConnection(this.upstreamPort, '127.0.0.1');
    const connection: ClientConnection = { upstream, lastFetchGeneration: -1 };
    const produces = new Set<number>();
    const rewrites = new Set<number>();
    this.connections.add(connection);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.connections.delete(connection);
        clearTimeout(connection.held?.timer);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on(
      'data',
      frameReader((frame) => {
        const apiKey = frame.readInt16BE(4);
        const correlationId = frame.readInt32BE(8);
        if (apiKey === FETCH) return this.fetch(connection, frame);
        if (apiKey === PRODUCE) {
          produces.add(correlationId);
          this.produced();
        } else if (apiKey === METADATA || apiKey === FIND_COORDINATOR) {
          rewrites.add(correlationId);
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frameReader((frame) => {
        const correlationId = frame.readInt32BE(4);
        if (rewrites.delete(correlationId)) frame = this.withOwnPort(frame);
        client.write(frame);
        if (produces.delete(correlationId)) this.produced();
      }),
    );
  }

  private fetch(connection: ClientConnection, frame: Buffer): void {
    if (connection.held) this.release(connection, 'woken');
    if (connection.lastFetchGeneration !== this.generation) {
      this.stats.forwarded += 1;
      connection.lastFetchGeneration = this.generation;
      connection.upstream.write(frame);
      return;
    }
    const timer = setTimeout(() => this.release(connection, 'timedOut'), fetchWaitMs(frame));
    connection.held = { frame, timer };
  }

  private release(connection: ClientConnection, why: 'woken' | 'timedOut'): void {
    const held = connection.held;
    if (!held) return;
    connection.held = undefined;
    clearTimeout(held.timer);
    this.stats[why] += 1;
    connection.lastFetchGeneration = this.generation;
    connection.upstream.write(held.frame);
  }

  /** A produce request went to the broker or its answer came back: wake every held fetch. */
  private produced(): void {
    this.generation += 1;
    for (const connection of this.connections) this.release(connection, 'woken');
  }

  /** The frame with every `127.0.0.1` + broker port (int32) turned into `127.0.0.1` + the proxy's port. */
  private withOwnPort(frame: Buffer): Buffer {
    const copy = Buffer.from(frame);
    const needle = Buffer.alloc(13);
    needle.write('127.0.0.1', 0, 'latin1');
    needle.writeInt32BE(this.upstreamPort, 9);
    const ownPort = (this.server!.address() as AddressInfo).port;
    for (let at = copy.indexOf(needle); at !== -1; at = copy.indexOf(needle, at + 13))
      copy.writeInt32BE(ownPort, at + 9);
    return copy;
  }
}
