import { createServer } from 'node:net';

/**
 * A TCP port that was free on every interface a moment ago (mokapi binds its Kafka port on all of them,
 * whatever host the AsyncAPI server names). Another process may still take it before mokapi does: the
 * caller must notice a bind failure and try again.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('The system gave no free TCP port.')),
      );
    });
  });
}
