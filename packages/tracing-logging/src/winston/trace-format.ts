import type { Logform } from 'winston';
import { collectLogFields } from '../fields/collect-log-fields.js';
import type { TraceLogFieldsOptions } from '../types.js';

/**
 * A winston format that adds `trace_id`, `span_id`, `trace_flags` and `correlation_id` as top-level
 * properties of every log entry written inside a traced or correlated context; other entries pass
 * unchanged. Put it first in the chain, before the format that prints:
 * `format.combine(traceFormat(), format.json())`.
 *
 * A plain logform format (an object with `transform`), so this module loads without winston. The
 * fields are those of the context active when the format runs: inside the `logger.info()` call,
 * unless the logger's stream is backed up by a slow transport and buffers the entry.
 */
export function traceFormat(options: TraceLogFieldsOptions = {}): Logform.Format {
  return {
    options: {},
    transform(info) {
      const fields = collectLogFields('winston', options);
      return fields === undefined ? info : Object.assign(info, fields);
    },
  };
}
