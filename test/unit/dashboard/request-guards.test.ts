import type { IncomingMessage } from 'node:http';
import {
  crossSiteReason,
  hostNameOf,
  isLoopbackAddress,
  isLoopbackHostName,
  notLoopbackReason,
} from '../../../src/dashboard/http/request-guards';

/** A request as Node makes it: its socket knows the peer and the server that accepted it. */
const request = (
  remoteAddress: string,
  headers: Record<string, string>,
  listening: string | null = '127.0.0.1',
) =>
  ({
    socket: {
      remoteAddress,
      ...(listening === null ? {} : { server: { address: () => ({ address: listening }) } }),
    },
    headers,
  }) as unknown as IncomingMessage;

describe('request guards', () => {
  it('knows loopback addresses and host names', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(address)).toBe(true);
    }
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', 'fe80::1', undefined]) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
    for (const host of ['localhost', 'LOCALHOST', 'app.localhost', '127.0.0.1', '[::1]']) {
      expect(isLoopbackHostName(host)).toBe(true);
    }
    for (const host of [
      'evil.example',
      '127.0.0.1.evil.example',
      'localhost.evil',
      '[::2]',
      '0.0.0.0',
    ]) {
      expect(isLoopbackHostName(host)).toBe(false);
    }
    expect(hostNameOf('localhost:3000')).toBe('localhost');
    expect(hostNameOf('[::1]:3000')).toBe('[::1]');
    expect(hostNameOf('bad host')).toBeNull();
    expect(hostNameOf(undefined)).toBeNull();
  });

  it('accepts only loopback requests that name a loopback host and came through no proxy', () => {
    expect(notLoopbackReason(request('127.0.0.1', { host: 'localhost:1' }))).toBeNull();
    expect(notLoopbackReason(request('192.168.1.9', { host: 'localhost:1' }))).toMatch(
      /not loopback/,
    );
    expect(notLoopbackReason(request('127.0.0.1', { host: 'rebind.example:1' }))).toMatch(/Host/);
    expect(notLoopbackReason(request('127.0.0.1', {}))).toMatch(/Host/);
    expect(
      notLoopbackReason(request('::1', { host: '[::1]:1', 'x-real-ip': '203.0.113.1' })),
    ).toMatch(/proxy/);
    for (const header of ['via', 'x-forwarded-proto', 'x-forwarded-port', 'true-client-ip']) {
      expect(notLoopbackReason(request('127.0.0.1', { host: 'localhost:1', [header]: 'x' }))).toBe(
        `the request came through a proxy (${header} header)`,
      );
    }
  });

  it('serves unauthenticated only when the server itself listens on loopback only', () => {
    expect(notLoopbackReason(request('::1', { host: '[::1]:1' }, '::1'))).toBeNull();
    for (const listening of ['0.0.0.0', '::', '192.168.1.9']) {
      expect(notLoopbackReason(request('127.0.0.1', { host: 'localhost:1' }, listening))).toBe(
        `the server listens on ${listening}, not on a loopback address only`,
      );
    }
    // A request injected without a server (a test tool): fail closed.
    expect(notLoopbackReason(request('127.0.0.1', { host: 'localhost:1' }, null))).toMatch(
      /listens on is unknown/,
    );
  });

  it('lets same-origin, listed and non-browser actions through, and nothing cross-site', () => {
    const own = { host: 'jobs.example:8080' };
    expect(crossSiteReason(request('1.2.3.4', own), [])).toBeNull();
    expect(
      crossSiteReason(request('1.2.3.4', { ...own, origin: 'https://jobs.example:8080' }), []),
    ).toBeNull();
    expect(
      crossSiteReason(
        request('1.2.3.4', {
          ...own,
          'sec-fetch-site': 'same-origin',
          origin: 'http://jobs.example:8080',
        }),
        [],
      ),
    ).toBeNull();
    expect(
      crossSiteReason(request('1.2.3.4', { ...own, origin: 'https://jobs.example' }), []),
    ).toMatch(/Origin/);
    expect(
      crossSiteReason(request('1.2.3.4', { ...own, 'sec-fetch-site': 'same-site' }), []),
    ).toMatch(/Sec-Fetch-Site/);
    expect(
      crossSiteReason(
        request('1.2.3.4', {
          ...own,
          origin: 'https://admin.example',
          'sec-fetch-site': 'cross-site',
        }),
        ['https://admin.example'],
      ),
    ).toBeNull();
  });
});
