import { describe, expect, it } from '@jest/globals';
import { resolveHttpOptions } from './resolve-http-options.js';

function resolved(options: Parameters<typeof resolveHttpOptions>[0]) {
  const http = resolveHttpOptions(options);
  if (!http) throw new Error('HTTP tracing is on in these cases');
  return http;
}

describe('resolveHttpOptions: ignored paths and hosts', () => {
  it('ignores the health and metrics paths by default, and nothing that merely starts like them', () => {
    const { isIgnoredPath } = resolved({});
    for (const path of ['/health', '/health/db', '/healthz', '/livez', '/readyz', '/metrics']) {
      expect(isIgnoredPath(path)).toBe(true);
    }
    for (const path of ['/healthy', '/api/health', '/metrics/x', '/']) expect(isIgnoredPath(path)).toBe(false);
  });

  it('matches exact paths, globs and regular expressions with their own flags', () => {
    const { isIgnoredPath } = resolved({ ignorePaths: ['/ping', '/static/*.css', /^\/internal\//i, /^\/v\d$/] });
    expect(isIgnoredPath('/ping')).toBe(true);
    expect(isIgnoredPath('/static/site.css')).toBe(true);
    expect(isIgnoredPath('/static/site.js')).toBe(false);
    expect(isIgnoredPath('/INTERNAL/jobs')).toBe(true);
    expect(isIgnoredPath('/v2')).toBe(true);
    expect(isIgnoredPath('/V2')).toBe(false);
    expect(isIgnoredPath('/pingpong')).toBe(false);
  });

  it('answers the same for the same path when a pattern has the g flag', () => {
    const { isIgnoredPath } = resolved({ ignorePaths: [/^\/probe/g] });
    expect([1, 2, 3].map(() => isIgnoredPath('/probe'))).toEqual([true, true, true]);
  });

  it('matches hosts for the client opt-out the same way', () => {
    const { client } = resolved({ client: { ignoreHosts: ['api.partner.example', '*.stripe.com'] } });
    if (!client) throw new Error('client tracing is on');
    expect(client.isIgnoredHost('api.partner.example')).toBe(true);
    expect(client.isIgnoredHost('checkout.stripe.com')).toBe(true);
    expect(client.isIgnoredHost('content-service')).toBe(false);
  });
});
