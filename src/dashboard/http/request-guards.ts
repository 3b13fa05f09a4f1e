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

/**
 * Headers by which proxies and CDNs say they forwarded a request. A proxy on the same machine
 * connects from loopback on behalf of remote users, and these are the only trace it leaves.
 */
const FORWARDING_HEADERS = [
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
];

/** The first proxy header of a request (`Forwarded`, `Via`, `X-Forwarded-*`...), if any. */
function forwardingHeader(req: IncomingMessage): string | undefined {
  return Object.keys(req.headers).find(
    (name) => name.startsWith('x-forwarded-') || FORWARDING_HEADERS.includes(name),
  );
}

/**
 * The address the server that accepted the request listens on, when Node says: `null` for a
 * socket without a server (a request injected by a test tool or framework).
 */
function listeningAddress(req: IncomingMessage): string | null {
  const server = (req.socket as { server?: { address?: () => unknown } }).server;
  const address = typeof server?.address === 'function' ? server.address() : null;
  if (typeof address === 'string') return address; // a Unix socket or Windows pipe
  const ip = (address as { address?: unknown } | null)?.address;
  return typeof ip === 'string' ? ip : null;
}

/**
 * Why a request is not a loopback request, or null when it is. The server must listen on a
 * loopback address only (on `0.0.0.0` it is reachable, and so is its port forwarding), the
 * request must come from a loopback address, name a loopback host (a DNS-rebinding page
 * names its own host) and carry no proxy header.
 *
 * A proxy on the same machine that adds no header at all (and sends `Host: 127.0.0.1`)
 * cannot be told from a local browser by any of this: behind a proxy, use `authorize`.
 */
export function notLoopbackReason(req: IncomingMessage): string | null {
  const listening = listeningAddress(req);
  if (listening === null || !isLoopbackAddress(listening)) {
    return listening === null
      ? 'the address the server listens on is unknown'
      : `the server listens on ${listening}, not on a loopback address only`;
  }
  if (!isLoopbackAddress(req.socket.remoteAddress)) {
    return `the client address ${req.socket.remoteAddress ?? '(unknown)'} is not loopback`;
  }
  const hostName = hostNameOf(req.headers.host);
  if (hostName === null || !isLoopbackHostName(hostName)) {
    return `the Host header ${JSON.stringify(req.headers.host ?? '')} is not a loopback host`;
  }
  const forwarded = forwardingHeader(req);
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
