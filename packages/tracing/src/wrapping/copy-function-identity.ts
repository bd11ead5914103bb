import 'reflect-metadata';

const SKIPPED_KEYS = new Set<string | symbol>(['length', 'name', 'prototype', 'arguments', 'caller']);

/**
 * Make `wrapper` look like `original` to everything that inspects it: `name` and `length`, every
 * reflect-metadata key (Nest routes, message patterns, guards, Swagger), and other own properties
 * that libraries store on functions.
 */
export function copyFunctionIdentity(original: Function, wrapper: Function): void {
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), wrapper);
  }
  for (const key of Reflect.ownKeys(original)) {
    if (SKIPPED_KEYS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(original, key);
    if (descriptor) Object.defineProperty(wrapper, key, descriptor);
  }
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}
