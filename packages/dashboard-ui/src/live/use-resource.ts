import { useLayoutEffect, useState } from 'preact/hooks';
import { useApp } from '../app/app-context';
import type { Resource } from './live-store';

const NONE: Resource<never> = { data: undefined, error: undefined };

/**
 * The live data of `api/<path>` (null: nothing), re-rendering the component only when a
 * poll brings a different answer.
 */
export function useResource<T>(path: string | null): Resource<T> {
  const { live } = useApp();
  const [, setVersion] = useState(0);
  useLayoutEffect(
    () => (path === null ? undefined : live.subscribe(path, () => setVersion((v) => v + 1))),
    [live, path],
  );
  return path === null ? NONE : live.read<T>(path);
}
