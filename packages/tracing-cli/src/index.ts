export { analyseCoverage, runCommand } from './coverage-command.js';
export type { CommandResult, CoverageOptions } from './coverage-command.js';
export { CoverageUsageError } from './analysis/load-typescript.js';
export { formatReport, formatTable } from './report/format-text.js';
export { joinRuntimeCoverage } from './runtime/join-runtime.js';
export { readSpansFile } from './runtime/spans-file.js';
export type { RecordedSpan } from './runtime/spans-file.js';
export type {
  CoverageReport,
  EntryPoint,
  EntryPointKind,
  Initialisation,
  RuntimeCoverage,
  ServiceCoverage,
  SourceLocation,
  Tier,
} from './types.js';
