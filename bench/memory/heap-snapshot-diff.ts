/**
 * Which objects grew between two heap snapshots of one process (`npm run bench:memory --
 * --snapshots <dir>`): counts and sizes by object kind, largest growth first. A structure that
 * keeps something per job shows as a kind whose count grew by about the jobs run in between.
 *
 * usage: ts-node --transpile-only bench/memory/heap-snapshot-diff.ts <before> <after> [rows]
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly strings: string[];
}

/** Node types whose names are their contents (one kind each, whatever they hold). */
const UNNAMED = new Set(['string', 'concatenated string', 'sliced string', 'number']);

/** Count and self size (bytes) by `type:name`. */
function kinds(file: string): Map<string, { count: number; bytes: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const byKind = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]];
    const name = UNNAMED.has(type) ? '' : heap.strings[heap.nodes[i + nameAt]].slice(0, 80);
    const kind = `${type}:${name}`;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt];
    byKind.set(kind, entry);
  }
  return byKind;
}

function main(): void {
  const [beforeFile, afterFile, rows = '30'] = process.argv.slice(2);
  if (!beforeFile || !afterFile)
    throw new Error('usage: heap-snapshot-diff.ts <before> <after> [rows]');
  const before = kinds(beforeFile);
  const after = kinds(afterFile);
  const growth = [...new Set([...before.keys(), ...after.keys()])].map((kind) => {
    const a = before.get(kind) ?? { count: 0, bytes: 0 };
    const b = after.get(kind) ?? { count: 0, bytes: 0 };
    return { kind, count: b.count - a.count, bytes: b.bytes - a.bytes, now: b.count };
  });
  growth.sort((x, y) => y.bytes - x.bytes);
  const total = growth.reduce((sum, g) => sum + g.bytes, 0);
  process.stdout.write(`self size grew by ${total} bytes\ncount\tbytes\tcount now\tkind\n`);
  for (const g of growth.slice(0, Number(rows)))
    process.stdout.write(`${g.count}\t${g.bytes}\t${g.now}\t${g.kind}\n`);
}

main();
