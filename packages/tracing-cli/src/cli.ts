#!/usr/bin/env node
import { runCommand } from './coverage-command.js';

/** The `nest-tracing` bin: runs the command and sets the exit code (0, 1 below --min-tier, 2 usage). */
const result = await runCommand(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
