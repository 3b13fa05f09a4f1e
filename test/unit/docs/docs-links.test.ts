import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT, codeBlocks, markdownFiles } from '../../helpers/markdown';

/** GitHub's anchor of a heading: lowercase, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors a Markdown file offers: one per heading, repeats numbered as GitHub does. */
function anchors(markdown: string): Set<string> {
  const fenced = new Set(
    codeBlocks(markdown).flatMap((block) =>
      block.code.split('\n').map((_, index) => block.line + index),
    ),
  );
  const seen = new Map<string, number>();
  const result = new Set<string>();
  markdown.split('\n').forEach((line, index) => {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading === null || fenced.has(index + 1)) return;
    const base = slug(heading[1].trim());
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  });
  return result;
}

/** The relative links of a Markdown file outside code, with their line. */
function links(markdown: string): { line: number; target: string }[] {
  const found: { line: number; target: string }[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, index) => {
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence) return;
    const text = line.replace(/`[^`]*`/g, '');
    for (const match of text.matchAll(/\]\(([^)\s]+)\)|\bsrc="([^"]+)"/g)) {
      const target = match[1] ?? match[2];
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      found.push({ line: index + 1, target });
    }
  });
  return found;
}

describe('the links of the documentation', () => {
  it.each(markdownFiles())('%s: every relative link and anchor resolves', (file) => {
    const markdown = readFileSync(join(ROOT, file), 'utf8');
    const broken: string[] = [];
    for (const { line, target } of links(markdown)) {
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? join(ROOT, file) : normalize(join(ROOT, dirname(file), path));
      if (!existsSync(resolved)) {
        broken.push(`${file}:${line}: ${target} (no such file)`);
        continue;
      }
      if (anchor === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) {
        continue;
      }
      if (!anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
        broken.push(`${file}:${line}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
