import type { TextMapSetter } from '@opentelemetry/api';
import type { CarrierRecord } from './record-carrier.getter.js';

/** Writes propagation fields into a plain object with the propagator's (lower-case) key names. */
export const recordCarrierSetter: TextMapSetter<CarrierRecord> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};
