import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/*
 * Checks on who sends a request and from where. The dashboard never answers CORS preflights,
 * requires `Content-Type: application/json` on every action (a cross-site form cannot send
 * it), and checks `Sec-Fetch-Site` and `Origin` on actions: together these make cross-site
 * request forgery impossible in browsers without a token.
 */

/** Whether an IP address (v4, v6 or v4-mapped v6) is a loopback address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1' || plain === '0:0:0:0:0:0:0:1';
}

/** Whether a host name (no port) is loopback: `localhost`, `*.localhost`, 127.x, `[::1]`. */
export function isLoopbackHostName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) !== 0 && isLoopbackAddress(bare);
}

/** The host name of a `Host` header value (without the port), or null when malformed. */
export function hostNameOf(hostHeader: string | undefined): string | null {
  if (hostHeader === undefined || hostHeader === '') return null;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.exec(hostHeader);
  return match === null ? null : match[1];
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/**
 * Why a request is not a loopback request, or null when it is: it must come from a loopback
 * address, name a loopback host (a DNS-rebinding page names its own host) and carry no proxy
 * forwarding header (a proxy on the same machine connects from loopback for remote users).
 */
export function notLoopbackReason(req: IncomingMessage): string | null {
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return `the client address ${req.socket.remoteAddress ?? '(unknown)'} is not loopback`;
  }
  const hostName = hostNameOf(req.headers.host);
  if (hostName === null || !isLoopbackHostName(hostName)) {
    return `the Host header ${JSON.stringify(req.headers.host ?? '')} is not a loopback host`;
  }
  const forwarded = FORWARDING_HEADERS.find((name) => req.headers[name] !== undefined);
  if (forwarded !== undefined) return `the request came through a proxy (${forwarded} header)`;
  return null;
}

/**
 * Why an action request may be cross-site, or null when it is safe to run: a browser's
 * `Sec-Fetch-Site` must be `same-origin` (or `none`: typed by the user), and an `Origin`
 * must be the dashboard's own (scheme and `Host`) or one of `allowedOrigins`. Clients that
 * are not browsers send neither and are not at risk of forgery.
 */
export function crossSiteReason(
  req: IncomingMessage,
  allowedOrigins: readonly string[],
): string | null {
  const origin = req.headers.origin?.toLowerCase();
  const allowedByList = origin !== undefined && allowedOrigins.includes(origin);
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none' && !allowedByList) {
    return `Sec-Fetch-Site is '${site}'`;
  }
  if (origin === undefined || allowedByList) return null;
  const host = req.headers.host?.toLowerCase();
  const ownOrigins = ['http', 'https'].map((scheme) => `${scheme}://${host}`);
  if (host !== undefined && ownOrigins.includes(origin)) return null;
  return `Origin ${JSON.stringify(req.headers.origin)} is not the dashboard's own origin`;
}
