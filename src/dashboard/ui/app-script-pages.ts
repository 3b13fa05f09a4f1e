/** The UI script, part 3: job detail, recurring jobs, servers, queues and routing. */
export const APP_SCRIPT_PAGES = `  function jobPage(id) {
    var box = h('div');
    return {
      title: 'Job ' + id,
      node: h('section', null, [h('h1', null, ['Job ', h('span', { className: 'mono', text: id })]), box]),
      load: function () {
        return api('GET', 'jobs/' + pathPart(id)).catch(function (error) {
          if (error.status === 404) return null;
          throw error;
        });
      },
      render: function (job) {
        if (job === null) {
          box.replaceChildren(h('p', { className: 'empty', text: 'This job does not exist (or retention removed it).' }));
          return;
        }
        var facts = [
          ['State', badge(job.state)],
          ['Type', job.type],
          ['Queue', job.queue],
          ['Priority', job.priority],
          ['Attempts', job.attempt + (job.maxAttempts ? ' of ' + job.maxAttempts : '')],
          ['Created', time(job.createdAt)],
          ['Due', time(job.dueAt)],
          ['Started', time(job.startedAt)],
          ['Finished', time(job.finishedAt)],
          ['Duration', duration(job.durationMs)],
        ];
        if (job.leaseOwner) facts.push(['Server', job.leaseOwner]);
        if (job.uniqueKey) facts.push(['Unique key', job.uniqueKey]);
        if (job.parentId) facts.push(['Continues', link('job/' + pathPart(job.parentId), job.parentId, 'mono')]);
        if (job.expireAt) facts.push(['Kept until', time(job.expireAt)]);
        var parts = [
          h('div', { className: 'toolbar' }, [READ_ONLY ? null : jobActions(job)]),
          h(
            'dl',
            { className: 'facts', id: 'job-facts' },
            facts.map(function (fact) {
              return h('div', null, [h('dt', { text: fact[0] }), h('dd', { id: fact[0] === 'State' ? 'job-state' : undefined }, [fact[1]])]);
            }),
          ),
        ];
        if (job.progress) {
          parts.push(
            h('div', { className: 'panel' }, [
              h('h2', { text: 'Progress' }),
              h('progress', { className: 'wide', max: 100, value: job.progress.percent, id: 'job-progress' }),
              h('p', { text: job.progress.percent + '% ' + (job.progress.message || '') }),
            ]),
          );
        }
        if (job.error) {
          parts.push(
            h('div', { className: 'panel error-panel' }, [
              h('h2', { text: 'Error' }),
              h('p', { className: 'error-text', id: 'job-error', text: job.error.name + ': ' + job.error.message }),
              job.error.stack ? h('pre', { className: 'stack', text: job.error.stack }) : null,
            ]),
          );
        }
        parts.push(
          h('div', { className: 'panel' }, [h('h2', { text: 'Payload' }), h('pre', { id: 'job-payload', text: JSON.stringify(job.payload, null, 2) })]),
        );
        parts.push(
          h('div', { className: 'panel' }, [
            h('h2', { text: 'History' }),
            h(
              'ol',
              { className: 'timeline' },
              job.history
                .slice()
                .reverse()
                .map(function (entry) {
                  return h('li', null, [
                    badge(entry.state),
                    ' ',
                    h('time', { datetime: entry.at, text: new Date(entry.at).toLocaleString() }),
                    entry.reason ? h('span', { className: 'reason', text: entry.reason }) : null,
                    entry.serverId ? h('span', { className: 'muted', text: ' on ' + entry.serverId }) : null,
                  ]);
                }),
            ),
          ]),
        );
        box.replaceChildren.apply(box, parts);
      },
    };
  }

  function table(headings, rows) {
    return h('table', null, [
      h('thead', null, [h('tr', null, headings.map(function (text) { return h('th', { text: text }); }))]),
      h('tbody', null, rows),
    ]);
  }

  function queueTable(queues, withActions) {
    if (queues.length === 0) return h('p', { className: 'empty', text: 'No queues with jobs.' });
    return table(
      ['Queue', 'Status', 'Enqueued', 'Scheduled', 'Processing', 'Awaiting', withActions ? '' : null].filter(function (x) { return x !== null; }),
      queues.map(function (queue) {
        var cells = [
          h('td', null, [link('jobs/enqueued?queue=' + encodeURIComponent(queue.name), queue.name)]),
          h('td', null, [queue.paused ? h('span', { className: 'badge paused', text: 'paused' }) : h('span', { className: 'badge active', text: 'active' })]),
        ];
        ['enqueued', 'scheduled', 'processing', 'awaiting'].forEach(function (state) {
          cells.push(h('td', { className: 'num', text: queue.counts[state] || 0 }));
        });
        if (withActions) {
          cells.push(
            h('td', { className: 'actions' }, [
              READ_ONLY
                ? null
                : queue.paused
                  ? actionButton('Resume', 'resume', 'POST', 'queues/' + pathPart(queue.name) + '/resume', { done: 'Queue resumed.' })
                  : actionButton('Pause', 'pause', 'POST', 'queues/' + pathPart(queue.name) + '/pause', { done: 'Queue paused.' }),
            ]),
          );
        }
        return h('tr', { 'data-queue': queue.name }, cells);
      }),
    );
  }

  // Due jobs of types no live server handles wait forever: say so on the overview.
  function unhandledPanel(unhandled) {
    if (!unhandled || unhandled.length === 0) return null;
    return h('div', { className: 'panel error-panel', id: 'unhandled-types' }, [
      h('h2', { text: 'Unhandled job types' }),
      h('p', { className: 'muted', text: 'Due jobs of these types wait, but no live server handles them: deploy a server with their handlers.' }),
      table(
        ['Job type', 'Waiting', 'Oldest due'],
        unhandled.map(function (entry) {
          return h('tr', { 'data-unhandled': entry.type }, [
            h('td', null, [link('jobs/enqueued?type=' + encodeURIComponent(entry.type), entry.type)]),
            h('td', { className: 'num', text: entry.waiting }),
            h('td', null, [time(entry.oldestDueAt)]),
          ]);
        }),
      ),
    ]);
  }

  function listPage(title, path, render) {
    var box = h('div');
    return {
      title: title,
      node: h('section', null, [h('h1', { text: title }), box]),
      load: function () {
        return api('GET', path);
      },
      render: function (data) {
        box.replaceChildren(render(data));
      },
    };
  }

  function recurringPage() {
    return listPage('Recurring jobs', 'recurring', function (jobs) {
      if (jobs.length === 0) return h('p', { className: 'empty', text: 'No recurring jobs.' });
      return table(
        ['Id', 'Job type', 'Cron', 'Time zone', 'Queue', 'Next run', 'Last run', ''],
        jobs.map(function (job) {
          var id = pathPart(job.id);
          return h('tr', { 'data-recurring': job.id }, [
            h('td', { className: 'mono', text: job.id }),
            h('td', { text: job.jobType }),
            h('td', { className: 'mono', text: job.cron }),
            h('td', { text: job.timeZone }),
            h('td', { text: job.queue }),
            h('td', null, [job.paused ? h('span', { className: 'badge paused', text: 'paused' }) : time(job.nextRunAt)]),
            h('td', null, [job.lastJobId ? link('job/' + pathPart(job.lastJobId), ago(job.lastRunAt)) : time(null)]),
            h('td', { className: 'actions' }, READ_ONLY ? [] : [
              actionButton('Trigger now', 'trigger', 'POST', 'recurring/' + id + '/trigger', { done: 'Job enqueued.' }),
              job.paused
                ? actionButton('Resume', 'resume', 'POST', 'recurring/' + id + '/resume', { done: 'Recurring job resumed.' })
                : actionButton('Pause', 'pause', 'POST', 'recurring/' + id + '/pause', { done: 'Recurring job paused.' }),
              actionButton('Remove', 'danger remove', 'DELETE', 'recurring/' + id, { done: 'Recurring job removed.', confirm: 'Remove recurring job ' + job.id + '?' }),
            ]),
          ]);
        }),
      );
    });
  }

  var PICKUP_TITLES = {
    'change-stream': 'new work reaches it at once through a change stream',
    notifications: 'new work reaches it at once through the notices collection (standalone server)',
    polling: 'it finds new work at its next poll: no push channel, or the channel is down',
  };

  function serversPage() {
    return listPage('Servers', 'servers', function (servers) {
      if (servers.length === 0) return h('p', { className: 'empty', text: 'No servers.' });
      return table(
        ['Id', 'Status', 'Host', 'Pid', 'Queues', 'Job types', 'Running', 'Pickup', 'Heartbeat', 'Started'],
        servers.map(function (server) {
          return h('tr', { 'data-server': server.id }, [
            h('td', { className: 'mono', text: server.id }),
            h('td', null, [h('span', { className: 'badge ' + (server.alive ? 'active' : 'paused'), text: server.alive ? 'alive' : 'silent' })]),
            h('td', { text: server.hostname }),
            h('td', { className: 'num', text: server.pid }),
            h('td', { text: server.queues.join(', ') }),
            h('td', { text: server.jobTypes ? server.jobTypes.join(', ') : 'not recorded' }),
            h('td', { className: 'num' }, [
              server.running + ' / ' + server.concurrency,
              server.overrunning > 0 && ' ',
              server.overrunning > 0 && h('span', { className: 'badge failed', 'data-overrunning': server.overrunning, title: 'past their timeout, still holding their slots', text: server.overrunning + ' overrunning' }),
            ]),
            h('td', { 'data-pickup': server.pickup || '' }, [
              server.pickup === null ? 'not recorded' : h('span', { className: 'badge ' + (server.pickup === 'polling' ? 'paused' : 'active'), title: PICKUP_TITLES[server.pickup], text: server.pickup === 'polling' ? 'polling' : 'push: ' + server.pickup }),
            ]),
            h('td', { text: (server.heartbeatAgeMs / 1000).toFixed(1) + ' s ago' }),
            h('td', null, [time(server.startedAt)]),
          ]);
        }),
      );
    });
  }

  function queuesPage() {
    return listPage('Queues', 'queues', function (queues) {
      return queueTable(queues, true);
    });
  }

  function notFoundPage() {
    return { title: 'Not found', node: h('section', null, [h('h1', { text: 'Page not found' }), link('', 'Back to the overview')]) };
  }

  // A hand-edited or truncated link (job/%E0%A4%A) must not stop the script.
  function decodedSegment(segment) {
    try {
      return decodeURIComponent(segment);
    } catch (e) {
      return null;
    }
  }

  function invalidLinkPage() {
    return {
      title: 'Not found',
      node: h('section', null, [
        h('h1', { text: 'Page not found' }),
        h('p', { className: 'empty', id: 'invalid-link', text: 'This is not a valid link: part of its address is malformed.' }),
        link('', 'Back to the overview'),
      ]),
    };
  }

  function pageFor(url) {
    var rel = url.pathname.indexOf(BASE) === 0 ? url.pathname.slice(BASE.length) : null;
    var parts = rel === null ? [] : rel.split('/');
    if (rel === '') return { key: 'overview', make: overviewPage };
    if (parts[0] === 'jobs' && parts.length === 2 && STATES.indexOf(parts[1]) >= 0) {
      return { key: 'jobs/' + parts[1], make: function () { return jobsPage(parts[1], url.searchParams); } };
    }
    if (parts[0] === 'job' && parts.length === 2 && parts[1]) {
      var id = decodedSegment(parts[1]);
      if (id === null) return { key: 'invalid', make: invalidLinkPage };
      return { key: 'job/' + id, make: function () { return jobPage(id); } };
    }
    if (rel === 'recurring') return { key: rel, make: recurringPage };
    if (rel === 'servers') return { key: rel, make: serversPage };
    if (rel === 'queues') return { key: rel, make: queuesPage };
    return { key: 'missing', make: notFoundPage };
  }

`;
