import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analysePath } from './analysis/analyse-codebase.js';
import { CoverageUsageError, loadTypeScript } from './analysis/load-typescript.js';
import { formatReport } from './report/format-text.js';
import { joinRuntimeCoverage } from './runtime/join-runtime.js';
import { readSpansFile } from './runtime/spans-file.js';
import type { CoverageReport, Tier } from './types.js';

/** Options of {@link analyseCoverage}. */
export interface CoverageOptions {
  /** A spans file written by a test run (`NEST_TRACING_SPANS_FILE`): adds run-time coverage. */
  spansFile?: string;
}

/** What the command prints and its exit code: 0 fine, 1 a service below `--min-tier`, 2 a usage error. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const USAGE = `Usage: nest-tracing coverage [paths...] [--json] [--min-tier=<1|2|3>] [--spans <file>]

Reports, per NestJS service under the paths (default: .), whether tracing is initialised and which
entry points are traced, and assigns tiers: 1 full active tracing, 2 infrastructure only, 3 no tracing.

  --json           the report as JSON
  --min-tier=<n>   exit with 1 when a service's tier is worse (higher) than n
  --spans <file>   also report which entry points produced spans in a test run's spans file
  --help           this text`;

/** Static coverage of the services under `paths`, joined with a spans file when one is given. */
export async function analyseCoverage(paths: string[], options: CoverageOptions = {}): Promise<CoverageReport> {
  const ts = await loadTypeScript();
  let services = paths.flatMap((path) => analysePath(ts, path));
  const report: CoverageReport = {
    schemaVersion: 1,
    paths: paths.map((path) => relative(process.cwd(), resolve(path)) || '.'),
    services,
  };
  if (options.spansFile) {
    const spans = readSpansFile(options.spansFile);
    services = joinRuntimeCoverage(services, spans);
    return { ...report, services, runtime: { spansFile: options.spansFile, spans: spans.length } };
  }
  return report;
}

function parseTier(value: string | undefined): Tier | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2' || value === '3') return Number(value) as Tier;
  throw new CoverageUsageError(`--min-tier must be 1, 2 or 3; got "${value}".`);
}

/** `nest-tracing <args>`: the whole command, without touching process state. */
export async function runCommand(args: string[]): Promise<CommandResult> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'min-tier': { type: 'string' },
        spans: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) return { stdout: `${USAGE}\n`, stderr: '', exitCode: 0 };
    const [command, ...paths] = positionals;
    if (command !== 'coverage') throw new CoverageUsageError(`Unknown command "${command ?? ''}".\n\n${USAGE}`);
    const minTier = parseTier(values['min-tier']);
    const report = await analyseCoverage(paths.length > 0 ? paths : ['.'], { spansFile: values.spans });
    if (report.services.length === 0)
      throw new CoverageUsageError(
        `No NestJS service found in ${report.paths.join(', ')}: a service is a folder (with a package.json, or the path itself) whose code calls NestFactory.create().`,
      );
    const below = minTier === undefined ? [] : report.services.filter((service) => service.tier > minTier);
    const stderr = below
      .map((s) => `nest-tracing: ${s.name} is tier ${s.tier} (${s.tierLabel}), below --min-tier=${minTier}\n`)
      .join('');
    const stdout = values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`;
    return { stdout, stderr, exitCode: below.length > 0 ? 1 : 0 };
  } catch (error) {
    if (error instanceof CoverageUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      return { stdout: '', stderr: `nest-tracing: ${(error as Error).message}\n`, exitCode: 2 };
    throw error;
  }
}
