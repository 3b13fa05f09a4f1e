import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The oldest Node whose APIs our own code uses: `Symbol.asyncDispose` (Node 20.4; the
 * `[Symbol.asyncDispose]` methods of Docket, JobServer and TestHarness) and `AbortSignal.any`
 * (20.3). The stand-in's code uses nothing newer. Raise it with the first use of a newer API
 * (`Promise.withResolvers` and the `Set` methods are Node 22).
 */
const OWN_CODE_FLOOR = '20.4.0';

interface PackageJson {
  name: string;
  private?: boolean;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The folders of the packages that ship: Docket, and every workspace package not private. */
function shippedPackages(): string[] {
  const workspaces = readdirSync(join(ROOT, 'packages')).map((name) =>
    join(ROOT, 'packages', name),
  );
  return [ROOT, ...workspaces.filter((dir) => readPackage(dir).private !== true)];
}

/** Where npm installed `name` for the package in `dir` (its own node_modules, else hoisted). */
function installed(dir: string, name: string): PackageJson {
  for (const base of [dir, ROOT]) {
    const folder = join(base, 'node_modules', name);
    if (existsSync(join(folder, 'package.json'))) return readPackage(folder);
  }
  throw new Error(`${name} is not installed: run npm install`);
}

type Version = readonly [number, number, number];

function parse(version: string): Version {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return [major, minor, patch];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The oldest Node a range admits: `>=20.19.0`, `>= 12`, `^20.19.0 || >=22.12.0`... (the lowest
 * bound of its alternatives). Throws on a range it cannot read, rather than guess.
 */
function floorOf(range: string): Version {
  const bounds = range.split('||').map((alternative) => {
    const bound = /^\s*(?:>=|\^|~)?\s*v?(\d+(?:\.\d+){0,2})(?:\s|$)/.exec(alternative);
    if (bound === null) throw new Error(`cannot read the Node range '${range}'`);
    return parse(bound[1]);
  });
  return bounds.reduce((lowest, bound) => (compare(bound, lowest) < 0 ? bound : lowest));
}

/** What a package needs at run time: its dependencies and its required peers. */
function runtimeDependencies(pkg: PackageJson): string[] {
  const peers = Object.keys(pkg.peerDependencies ?? {}).filter(
    (name) => pkg.peerDependenciesMeta?.[name]?.optional !== true,
  );
  return [...Object.keys(pkg.dependencies ?? {}), ...peers];
}

/**
 * `engines.node` of each package that ships says the truth: the newest of the floors of its
 * runtime dependencies (their own `engines.node`) and of its own code. A dependency upgrade
 * that raises its floor (the MongoDB driver 7 and bson 7 ask for 20.19), or code that starts
 * using a newer API, fails here until `engines` says so.
 */
describe('engines.node', () => {
  it.each(shippedPackages().map((dir) => [readPackage(dir).name, dir] as const))(
    'of %s is the newest floor of its dependencies and of our code',
    (_name, dir) => {
      const pkg = readPackage(dir);
      const range = pkg.engines?.node;
      if (range === undefined) throw new Error(`${pkg.name} declares no engines.node`);

      const floors = runtimeDependencies(pkg).flatMap((name) => {
        const dependencyRange = installed(dir, name).engines?.node;
        return dependencyRange === undefined ? [] : [{ by: name, floor: floorOf(dependencyRange) }];
      });
      floors.push({ by: 'our own code', floor: parse(OWN_CODE_FLOOR) });
      const newest = floors.reduce((a, b) => (compare(b.floor, a.floor) > 0 ? b : a));

      const ours = floorOf(range).join('.');
      const needed = newest.floor.join('.');
      expect(
        ours === needed ? 'agrees' : `engines.node is '${range}', ${newest.by} needs ${needed}`,
      ).toBe('agrees');
    },
  );
});
