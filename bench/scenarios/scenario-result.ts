import type { BenchContext } from '../lib/bench-context';
import type { ScenarioResult } from '../lib/results';

/** The parts of a result a scenario decides; the rest comes from the context. */
export type ScenarioParts = Omit<
  ScenarioResult,
  'generatedAt' | 'durationMs' | 'scale' | 'reps' | 'machine' | 'server'
> & { readonly began: number };

/** Completes a scenario's result with the run's context. */
export function scenarioResult(ctx: BenchContext, parts: ScenarioParts): ScenarioResult {
  const { began, ...rest } = parts;
  return {
    scenario: rest.scenario,
    title: rest.title,
    method: rest.method,
    generatedAt: new Date().toISOString(),
    durationMs: Date.now() - began,
    scale: ctx.scale.name,
    reps: ctx.reps,
    machine: ctx.machine,
    server: ctx.server,
    ...(rest.topologies ? { topologies: rest.topologies } : {}),
    settings: rest.settings,
    notes: rest.notes,
    rows: rest.rows,
    checks: rest.checks,
    commands: rest.commands,
    charts: rest.charts,
  };
}
