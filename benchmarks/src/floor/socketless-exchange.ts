import { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';

/** A request handler as node:http calls it: an Express application is one. */
export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Where responses are written: a stream that discards every byte, standing in for the connection.
 * It carries what a request reads from its socket (the peer's address; not encrypted).
 */
class DiscardingConnection extends Writable {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 52_814;
  readonly remoteFamily = 'IPv4';

  override _write(_chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    callback();
  }

  override _writev(_chunks: unknown[], callback: (error?: Error | null) => void): void {
    callback();
  }
}

const connection = new DiscardingConnection() as unknown as Socket;

/**
 * One HTTP/1.1 request through `listener` without a socket or a parser: the request object node:http
 * would hand over (method, URL, lower-cased headers, no body), a response attached to a connection
 * that discards what is written, and what node:http's server does once the response finishes (detach
 * the connection, then emit `close` on the next tick, where tracing middleware ends its span).
 * Resolves after `close`, with the response.
 */
export function exchange(
  listener: RequestListener,
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
): Promise<ServerResponse> {
  return new Promise((resolve, reject) => {
    const request = new IncomingMessage(connection);
    request.method = method;
    request.url = url;
    request.httpVersion = '1.1';
    request.httpVersionMajor = 1;
    request.httpVersionMinor = 1;
    request.headers = headers;
    request.complete = true;
    request.push(null);
    const response = new ServerResponse(request);
    response.assignSocket(connection);
    response.once('finish', () => {
      response.detachSocket(connection);
      process.nextTick(() => {
        response.destroyed = true;
        response.emit('close');
        resolve(response);
      });
    });
    try {
      listener(request, response);
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
