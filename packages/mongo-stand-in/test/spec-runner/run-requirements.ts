import { match } from './match';
import { compareVersions } from './server-version';
import type { TargetServer } from './target-server';
import type { RunOnRequirement } from './unified-test-file';

/**
 * Evaluates a `runOnRequirements` list against the target: it holds when any one of its
 * requirements holds (an absent list always holds). Returns `undefined` when it holds,
 * otherwise why not, ready to print as a skip reason.
 */
export async function unmetRequirements(
  requirements: readonly RunOnRequirement[] | undefined,
  target: TargetServer,
): Promise<string | undefined> {
  if (!requirements || requirements.length === 0) return undefined;
  const reasons: string[] = [];
  for (const requirement of requirements) {
    const reason = await unmetRequirement(requirement, target);
    if (reason === undefined) return undefined;
    reasons.push(reason);
  }
  return reasons.length === 1
    ? reasons[0]
    : `none holds: ${reasons.map((r) => `(${r})`).join(' or ')}`;
}

/** One requirement, its fields checked in the order the format gives. */
async function unmetRequirement(
  requirement: RunOnRequirement,
  target: TargetServer,
): Promise<string | undefined> {
  const { minServerVersion, maxServerVersion, topologies } = requirement;
  if (minServerVersion !== undefined && compareVersions(target.version, minServerVersion) < 0) {
    return `needs server ≥ ${minServerVersion} (target is ${target.version})`;
  }
  if (maxServerVersion !== undefined && compareVersions(target.version, maxServerVersion) > 0) {
    return `needs server ≤ ${maxServerVersion} (target is ${target.version})`;
  }
  if (topologies !== undefined && !topologies.some((name) => topologyMatches(name, target))) {
    return `needs topology ${topologies.join('|')} (target is ${target.topology})`;
  }
  if (requirement.serverless === 'require') return 'needs a serverless deployment';
  if (requirement.serverParameters !== undefined) {
    for (const [name, expected] of Object.entries(requirement.serverParameters)) {
      const actual = await target.getParameter(name);
      if (actual === undefined || match(expected, actual, { root: 'none' }) !== undefined) {
        return `needs server parameter ${name}=${JSON.stringify(expected)} (target has ${actual === undefined ? 'none' : JSON.stringify(actual)})`;
      }
    }
  }
  if (requirement.auth === true && !target.auth) return 'needs authentication';
  if (requirement.auth === false && target.auth) return 'needs a server without authentication';
  if (requirement.authMechanism !== undefined)
    return `needs auth mechanism ${requirement.authMechanism}`;
  if (requirement.csfle !== undefined && requirement.csfle !== false) {
    return 'needs client-side field level encryption (csfle)';
  }
  return undefined;
}

function topologyMatches(name: string, target: TargetServer): boolean {
  // "sharded" accepts any sharded cluster; "sharded-replicaset" is not checked further.
  if (target.topology === 'sharded') return name === 'sharded' || name === 'sharded-replicaset';
  return name === target.topology;
}
