import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ApiJobDetail, ApiJobLogLine } from '../../../../src/dashboard/api-types';
import { useApp } from '../app/app-context';
import { JobLogFeed } from '../live/job-log-feed';
import { useObserved } from '../live/observable';
import { Badge } from '../parts/badge';
import { FINISHED_STATES } from '../parts/job-states';

/** Lines asked for at a time (fewer when the dashboard's maxPageSize is lower). */
const PAGE_SIZE = 100;
/** Levels with a colour of their own; others get the plain badge. */
const COLOURED_LEVELS = new Set(['error', 'warn', 'info']);

interface AttemptLines {
  readonly attempt: number;
  readonly lines: readonly ApiJobLogLine[];
}

/** Runs of consecutive lines of the same attempt, in order. */
function byAttempt(lines: readonly ApiJobLogLine[]): AttemptLines[] {
  const runs: { attempt: number; lines: ApiJobLogLine[] }[] = [];
  for (const line of lines) {
    const last = runs[runs.length - 1];
    if (last?.attempt === line.attempt) last.lines.push(line);
    else runs.push({ attempt: line.attempt, lines: [line] });
  }
  return runs;
}

function LogLine({ line }: { line: ApiJobLogLine }) {
  const level = COLOURED_LEVELS.has(line.level) ? line.level : 'other';
  return (
    <li class={line.truncated ? 'log-line log-truncated' : 'log-line'} data-seq={line.seq}>
      <time dateTime={line.at} title={new Date(line.at).toLocaleString()}>
        {new Date(line.at).toLocaleTimeString()}
      </time>
      <Badge kind={`level-${level}`}>{line.level}</Badge>
      {line.truncated && <strong class="log-notice">Log truncated</strong>}
      <span class="log-message">{line.message}</span>
      {line.meta !== undefined && <code class="log-meta">{line.meta}</code>}
    </li>
  );
}

/**
 * Keeps reading the log at every poll of the page while `following`; stops following once
 * the job has finished and a read started after that brought nothing (lines are stored
 * before the job's end is, so that read saw them all).
 */
function useFollow(feed: JobLogFeed, finished: boolean) {
  const { live } = useApp();
  const [following, setFollowing] = useState(false);
  const finishedNow = useRef(finished);
  finishedNow.current = finished;
  useEffect(() => {
    if (!following) return undefined;
    let running = false;
    let stopped = false;
    const step = async () => {
      if (running) return;
      running = true;
      const wasFinished = finishedNow.current;
      const added = await feed.readToEnd();
      running = false;
      if (!stopped && wasFinished && added === 0 && feed.snapshot.error === undefined) {
        setFollowing(false);
      }
    };
    void step();
    const unsubscribe = live.line.subscribe(() => void step());
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [following, feed, live]);
  return [following, setFollowing] as const;
}

/**
 * The lines the job's handlers logged, by attempt, read a page at a time ("Load more"),
 * or followed as they come. Every part of a line is shown as text.
 */
export function JobLog({ job }: { job: ApiJobDetail }) {
  const { api, config } = useApp();
  const feed = useMemo(
    () => new JobLogFeed(api, job.id, Math.min(PAGE_SIZE, config.maxPageSize)),
    [api, job.id, config.maxPageSize],
  );
  const log = useObserved(feed, () => feed.snapshot);
  const finished = FINISHED_STATES.has(job.state);
  const [following, setFollowing] = useFollow(feed, finished);

  const logged = job.logLines > 0;
  useEffect(() => {
    if (logged) void feed.readPage();
  }, [feed, logged]);

  const view = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (following && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [following, log.lines.length]);

  const last = log.lines[log.lines.length - 1];
  const truncated = log.lines.some((line) => line.truncated);
  // logLines counts the lines dropped past the log's limit too: after its notice, none come.
  const unread = log.more || (!truncated && job.logLines > (last ? last.seq + 1 : 0));
  return (
    <section class="panel" id="job-log" aria-labelledby="job-log-heading">
      <div class="panel-head">
        <h2 id="job-log-heading">Log</h2>
        {(!finished || following) && (
          <button
            type="button"
            class={following ? 'btn small active' : 'btn small'}
            aria-pressed={following ? 'true' : 'false'}
            onClick={() => setFollowing(!following)}
          >
            Follow
          </button>
        )}
      </div>
      {log.lines.length === 0 ? (
        <p class="muted">{logged ? 'Loading…' : 'Nothing logged.'}</p>
      ) : (
        <div class="log-view" ref={view} role="log" aria-label="Log lines" tabIndex={0}>
          {byAttempt(log.lines).map((run) => (
            <section key={run.lines[0]!.seq} aria-label={`Attempt ${run.attempt}`}>
              <h3 class="log-attempt">Attempt {run.attempt}</h3>
              <ol class="log-lines">
                {run.lines.map((line) => (
                  <LogLine key={line.seq} line={line} />
                ))}
              </ol>
            </section>
          ))}
        </div>
      )}
      {log.error && <p class="error-text">Could not read the log: {log.error.message}</p>}
      <p class="log-foot muted">
        {log.lines.length} of {job.logLines} {job.logLines === 1 ? 'line' : 'lines'}
        {following && ' · following'}
        {unread && !following && (
          <button
            type="button"
            class="btn small"
            aria-disabled={log.reading ? 'true' : undefined}
            onClick={() => !log.reading && void feed.readPage()}
          >
            Load more
          </button>
        )}
      </p>
    </section>
  );
}
