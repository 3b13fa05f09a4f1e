import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** A fenced code block of a Markdown file: its info string, first code line and code. */
export interface CodeBlock {
  readonly info: string;
  /** 1-based line of the block's first line of code. */
  readonly line: number;
  readonly code: string;
}

/** The fenced blocks of a Markdown file (```), in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^\s*```(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end += 1;
    blocks.push({
      info: open[1].trim(),
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
    });
    i = end;
  }
  return blocks;
}

/** A TypeScript block is fenced "```ts" (type-checked) or "```ts runnable" (also run). */
export function isTypeScript(block: CodeBlock): boolean {
  return block.info === 'ts' || block.info === 'ts runnable';
}

export function isRunnable(block: CodeBlock): boolean {
  return block.info === 'ts runnable';
}

/** The user documentation: the README and every guide, as paths relative to the root. */
export function guideFiles(): string[] {
  const guides = readdirSync(join(ROOT, 'docs', 'guides'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', 'guides', name));
  return ['README.md', ...guides];
}

/** Every Markdown file of the repository that documents it (not dependencies, not output). */
export function markdownFiles(): string[] {
  const found: string[] = [];
  const skip = new Set(['node_modules', 'dist', '.git', 'api', 'results', 'report']);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(relative(ROOT, path));
    }
  };
  walk(ROOT);
  return found.sort();
}
