import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The platforms `go-mokapi` publishes a binary for, as `${process.platform}-${process.arch}`. */
const SUPPORTED_PLATFORMS = new Set([
  'linux-x64',
  'linux-arm64',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'win32-arm64',
]);

/**
 * The path of the mokapi executable that `go-mokapi` installed for this machine. Each of its optional
 * `@go-mokapi/<platform>-<arch>` packages exports that path as its main module (`go-mokapi`'s own
 * `bin/mokapi.js` resolves it the same way, and then runs the binary through a Node.js wrapper we do not
 * need).
 *
 * @throws Error when the platform has no binary or its package was not installed.
 */
export function resolveMokapiBinary(): string {
  const platform = `${process.platform}-${process.arch}`;
  if (!SUPPORTED_PLATFORMS.has(platform)) {
    throw new Error(
      `go-mokapi has no binary for ${platform}. Potential solutions: set KAFKA_BROKERS to a Kafka broker ` +
        'you run yourself, or pass binaryPath to startKafkaTestBroker().',
    );
  }
  const packageName = `@go-mokapi/${platform}`;
  let binaryPath: unknown;
  try {
    binaryPath = createRequire(import.meta.url)(packageName);
  } catch (error) {
    throw new Error(
      `${packageName} (go-mokapi's binary for this machine) is not installed. Potential solutions: run ` +
        '`npm install` without --omit=optional, or set KAFKA_BROKERS to a Kafka broker you run yourself.',
      { cause: error },
    );
  }
  if (typeof binaryPath !== 'string' || !existsSync(binaryPath)) {
    throw new Error(`${packageName} points to a mokapi binary that does not exist: ${String(binaryPath)}`);
  }
  return binaryPath;
}
