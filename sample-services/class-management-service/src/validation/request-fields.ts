import { BadRequestException } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A JSON request body as the controllers receive it, before validation. */
export type RequestBody = Record<string, unknown> | undefined;

/** `body[field]` as a trimmed, non-empty string of at most `maxLength` characters; else 400. */
export function requireText(body: RequestBody, field: string, maxLength: number): string {
  const value = body?.[field];
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw new BadRequestException(`${field} must be a non-empty string.`);
  }
  const text = value.trim();
  if (text.length > maxLength) {
    throw new BadRequestException(`${field} must be at most ${maxLength} characters long.`);
  }
  return text;
}

/** `value` as a UUID (in lower case); else 400 naming `field`. */
export function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw new BadRequestException(`${field} must be a UUID.`);
  }
  return value.toLowerCase();
}

/** `body[field]` as a list of 1 to `maxItems` UUIDs (in lower case); else 400. */
export function requireUuidList(body: RequestBody, field: string, maxItems: number): string[] {
  const value = body?.[field];
  if (!Array.isArray(value) || value.length === 0 || value.length > maxItems) {
    throw new BadRequestException(`${field} must be a list of 1 to ${maxItems} UUIDs.`);
  }
  return value.map((item: unknown, index) => requireUuid(item, `${field}[${index}]`));
}
