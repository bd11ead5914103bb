/** How long one request to the gateway may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/** What a request answered: status, the `x-correlation-id` header and the body (parsed when it is JSON). */
export interface HttpResult {
  status: number;
  statusText: string;
  correlationId: string | null;
  body: unknown;
}

/** `fetch` with a 10 s timeout, reading the whole body. */
export async function request(url: string, init: RequestInit): Promise<HttpResult> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return {
    status: response.status,
    statusText: response.statusText,
    correlationId: response.headers.get('x-correlation-id'),
    body,
  };
}

/** `<label> -> <status>  x-correlation-id: ...` and the body on the next line. */
export function describeResult(label: string, result: HttpResult): string {
  return (
    `${label} -> ${result.status} ${result.statusText}  x-correlation-id: ${result.correlationId ?? '(none)'}\n` +
    `  ${JSON.stringify(result.body)}`
  );
}

/** Throw, with the body, unless the request answered `status`. */
export function expectStatus(label: string, result: HttpResult, status: number): void {
  if (result.status !== status) {
    throw new Error(`${label} answered ${result.status}, expected ${status}: ${JSON.stringify(result.body)}`);
  }
}
