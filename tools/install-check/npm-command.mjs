// npm for the scratch app: the same npm that runs the check, in an environment without the npm_* variables
// that `npm run` exports (npm_config_prefix and npm_config_local_prefix would point the nested npm at the
// repository), keeping only the user's cache, registry and user config.
import { runCommand } from './run-command.mjs';

const KEPT_NPM_VARIABLES = new Set(['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig']);

/** process.env without `npm_*` (except the kept ones), `INIT_CWD` and, when asked, `OTEL_*`. */
export function cleanEnvironment({ withoutOpenTelemetry = false } = {}) {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => {
      if (key === 'INIT_CWD') return false;
      if (/^npm_/i.test(key)) return KEPT_NPM_VARIABLES.has(key.toLowerCase());
      return !(withoutOpenTelemetry && key.startsWith('OTEL_'));
    }),
  );
}

/** Runs `npm args` in `cwd` (see runCommand for the result and the time limit). */
export function runNpm(args, { cwd, timeoutMs }) {
  const cli = process.env.npm_execpath;
  const [command, prefix] = cli?.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []];
  return runCommand(command, [...prefix, ...args], { cwd, timeoutMs, env: cleanEnvironment() });
}
