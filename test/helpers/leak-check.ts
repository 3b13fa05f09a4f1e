/**
 * Fails a test file that leaves a server, socket, child process or timer behind: compares
 * the event loop's active resources after the file with those before it, allowing a short
 * grace period for sockets that are already closing.
 */
const WATCHED = new Set(['TCPServerWrap', 'TCPSocketWrap', 'Timeout', 'ProcessWrap', 'PipeWrap']);
const GRACE_MS = 2_000;

function countWatched(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (WATCHED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function leaked(baseline: Map<string, number>): string[] {
  const extra: string[] = [];
  for (const [type, count] of countWatched()) {
    const before = baseline.get(type) ?? 0;
    if (count > before) extra.push(`${count - before} × ${type}`);
  }
  return extra;
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = countWatched();
});

afterAll(async () => {
  const deadline = Date.now() + GRACE_MS;
  let extra = leaked(baseline);
  while (extra.length > 0 && Date.now() < deadline) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setTimeout(resolve, 20).unref());
    extra = leaked(baseline);
  }
  if (extra.length > 0) {
    throw new Error(`this test file left resources open: ${extra.join(', ')}`);
  }
});
