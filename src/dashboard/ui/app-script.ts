/**
 * The web UI's one script (served as `assets/app.js`): a small single-page app in plain
 * browser JavaScript, no build step and no dependencies. It renders every value from the
 * API with `textContent` (never as markup), polls the API for live updates, and sends
 * actions as JSON POST/DELETE requests.
 */
export const APP_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  var BASE = body.getAttribute('data-base') || '/';
  var REFRESH_MS = Number(body.getAttribute('data-refresh')) || 2000;
  var READ_ONLY = body.getAttribute('data-read-only') === 'true';
  var STATES = ['enqueued', 'scheduled', 'processing', 'succeeded', 'failed', 'deleted', 'awaiting'];
  var FINISHED = ['succeeded', 'failed', 'deleted'];
  var PAGE_SIZE = 20;
  var main = document.getElementById('main');
  var flash = document.getElementById('flash');
  var live = document.getElementById('live');
  var current = null;
  var generation = 0;
  var timer = null;
  var busy = false;

  // ---- DOM helpers: every value from the server goes through textContent, never markup ----
  function h(tag, props, children) {
    var el = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (key) {
        var value = props[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'text') el.textContent = String(value);
        else if (key === 'className') el.className = value;
        else if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), value);
        else el.setAttribute(key, value === true ? '' : String(value));
      });
    }
    append(el, children);
    return el;
  }
  function append(el, children) {
    if (children === undefined || children === null) return el;
    (Array.isArray(children) ? children : [children]).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      el.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
    return el;
  }
  function svg(tag, attrs) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs || {}).forEach(function (key) {
      el.setAttribute(key, String(attrs[key]));
    });
    return el;
  }
  function link(path, text, className) {
    return h('a', { href: BASE + path, className: className, text: text, 'data-nav': true });
  }
  function badge(state) {
    return h('span', { className: 'badge state-' + state, text: state });
  }
  function pathPart(value) {
    return encodeURIComponent(value);
  }

  // ---- formatting ----
  function ago(iso) {
    if (!iso) return '';
    var ms = Date.now() - new Date(iso).getTime();
    var future = ms < 0;
    var s = Math.round(Math.abs(ms) / 1000);
    var text =
      s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : s < 86400 ? Math.round(s / 3600) + ' h' : Math.round(s / 86400) + ' d';
    return future ? 'in ' + text : text + ' ago';
  }
  function time(iso) {
    if (!iso) return h('span', { className: 'muted', text: '–' });
    return h('time', { datetime: iso, title: new Date(iso).toLocaleString(), text: ago(iso) });
  }
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }

  // ---- API ----
  function api(method, path, payload) {
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(payload || {});
    }
    return fetch(BASE + 'api/' + path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = null;
        }
        if (!res.ok) {
          var error = new Error(data && data.error ? data.error.message : 'HTTP ' + res.status);
          error.status = res.status;
          throw error;
        }
        return data;
      });
    });
  }
  function say(text, isError) {
    flash.textContent = text;
    flash.className = isError ? 'flash error' : 'flash';
    flash.hidden = !text;
  }
  function act(button, method, path, done) {
    button.disabled = true;
    return api(method, path)
      .then(function (result) {
        say(button.getAttribute('data-done') || 'Done.', false);
        if (done) done(result);
        refresh();
      })
      .catch(function (error) {
        say(error.message, true);
      })
      .then(function () {
        button.disabled = false;
      });
  }
  function actionButton(label, className, method, path, options) {
    options = options || {};
    return h('button', {
      type: 'button',
      className: 'btn ' + className,
      text: label,
      'data-done': options.done,
      onclick: function (event) {
        if (options.confirm && !window.confirm(options.confirm)) return;
        act(event.currentTarget, method, path, options.then);
      },
    });
  }
  function retryButton(id) {
    return actionButton('Retry', 'retry', 'POST', 'jobs/' + pathPart(id) + '/requeue', { done: 'Job requeued.' });
  }
  function deleteButton(id) {
    return actionButton('Delete', 'danger delete', 'DELETE', 'jobs/' + pathPart(id), {
      done: 'Job deleted.',
      confirm: 'Delete job ' + id + '?',
    });
  }
  function jobActions(job) {
    if (READ_ONLY) return null;
    return FINISHED.indexOf(job.state) >= 0 ? retryButton(job.id) : deleteButton(job.id);
  }

  // ---- navigation counts (every page) ----
  function updateNav(stats) {
    STATES.forEach(function (state) {
      var el = document.getElementById('nav-count-' + state);
      if (el) el.textContent = String(stats.states[state]);
    });
  }

  // ---- pages ----
  function overviewPage() {
    var range = 'lastHour';
    var chartBox = h('div', { className: 'chart', id: 'chart' });
    var tiles = h('div', { className: 'tiles' });
    var side = h('div', { className: 'side' });
    var toggle = h('div', { className: 'toggle' }, [
      h('button', { type: 'button', className: 'btn small active', text: 'Last hour', 'data-range': 'lastHour' }),
      h('button', { type: 'button', className: 'btn small', text: 'Last day', 'data-range': 'lastDay' }),
    ]);
    var last = null;
    toggle.addEventListener('click', function (event) {
      var target = event.target.closest('button');
      if (!target) return;
      range = target.getAttribute('data-range');
      Array.prototype.forEach.call(toggle.children, function (b) {
        b.classList.toggle('active', b === target);
      });
      if (last) drawChart(chartBox, last[range], range);
    });
    return {
      title: 'Overview',
      node: h('section', null, [
        h('h1', { text: 'Overview' }),
        tiles,
        h('div', { className: 'panel' }, [
          h('div', { className: 'panel-head' }, [h('h2', { text: 'Succeeded and failed' }), toggle]),
          chartBox,
        ]),
        side,
      ]),
      load: function () {
        return api('GET', 'stats');
      },
      render: function (stats) {
        last = stats;
        tiles.replaceChildren.apply(
          tiles,
          STATES.map(function (state) {
            return h('a', { href: BASE + 'jobs/' + state, className: 'tile state-' + state, 'data-nav': true }, [
              h('span', { className: 'tile-count', id: 'count-' + state, text: stats.states[state] }),
              h('span', { className: 'tile-label', text: state }),
            ]);
          }),
        );
        drawChart(chartBox, stats[range], range);
        side.replaceChildren(
          h('div', { className: 'panel' }, [
            h('h2', null, [link('queues', 'Queues')]),
            queueTable(stats.queues, false),
          ]),
          h('p', { className: 'muted' }, [
            link('servers', stats.servers.alive + ' of ' + stats.servers.total + ' servers alive'),
            ' · ',
            link('recurring', stats.recurring + ' recurring jobs'),
          ]),
        );
      },
    };
  }

  function drawChart(box, buckets, range) {
    var width = 720;
    var height = 180;
    var pad = 28;
    var max = 1;
    buckets.forEach(function (b) {
      max = Math.max(max, b.succeeded, b.failed);
    });
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + (height + 24), role: 'img', 'aria-label': 'Succeeded and failed jobs' });
    var step = (width - pad) / buckets.length;
    var bar = Math.max(1, step / 2 - 1);
    chart.appendChild(svg('line', { x1: pad, y1: height, x2: width, y2: height, class: 'axis' }));
    buckets.forEach(function (b, i) {
      var x = pad + i * step;
      [['succeeded', 0], ['failed', bar]].forEach(function (series) {
        var value = b[series[0]];
        if (!value) return;
        var barHeight = Math.max(1, (value / max) * (height - 10));
        var rect = svg('rect', { x: x + series[1], y: height - barHeight, width: bar, height: barHeight, class: 'bar-' + series[0] });
        var tip = svg('title', {});
        tip.textContent = new Date(b.at).toLocaleString() + ': ' + value + ' ' + series[0];
        rect.appendChild(tip);
        chart.appendChild(rect);
      });
    });
    var top = svg('text', { x: 0, y: 12, class: 'label' });
    top.textContent = String(max);
    chart.appendChild(top);
    var zero = svg('text', { x: 0, y: height, class: 'label' });
    zero.textContent = '0';
    chart.appendChild(zero);
    [0, buckets.length - 1].forEach(function (i) {
      var label = svg('text', { x: pad + i * step, y: height + 18, class: 'label', 'text-anchor': i === 0 ? 'start' : 'end' });
      var at = new Date(buckets[i].at);
      label.textContent = range === 'lastHour' ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : at.toLocaleString([], { weekday: 'short', hour: '2-digit' });
      chart.appendChild(label);
    });
    var totals = buckets.reduce(
      function (sum, b) {
        return { succeeded: sum.succeeded + b.succeeded, failed: sum.failed + b.failed };
      },
      { succeeded: 0, failed: 0 },
    );
    box.replaceChildren(
      chart,
      h('p', { className: 'legend' }, [
        h('span', { className: 'dot bar-succeeded' }),
        h('span', { id: 'chart-succeeded', text: totals.succeeded }),
        ' succeeded ',
        h('span', { className: 'dot bar-failed' }),
        h('span', { id: 'chart-failed', text: totals.failed }),
        ' failed',
      ]),
    );
  }

  function jobsPage(state, params) {
    var cursors = [null];
    var filters = {
      queue: params.get('queue') || '',
      type: params.get('type') || '',
      search: params.get('search') || '',
    };
    var tableBox = h('div');
    var pager = h('div', { className: 'pager' });
    var form = h('form', { className: 'filters', role: 'search' });
    ['queue', 'type', 'search'].forEach(function (name) {
      form.appendChild(
        h('label', null, [
          name === 'search' ? 'Id contains' : name === 'type' ? 'Job type' : 'Queue',
          h('input', { name: name, value: filters[name], autocomplete: 'off', spellcheck: 'false' }),
        ]),
      );
    });
    form.appendChild(h('button', { type: 'submit', className: 'btn', text: 'Filter' }));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var query = new URLSearchParams();
      ['queue', 'type', 'search'].forEach(function (name) {
        var value = form.elements[name].value.trim();
        if (value) query.set(name, value);
      });
      var qs = query.toString();
      navigate(BASE + 'jobs/' + state + (qs ? '?' + qs : ''));
    });
    var page = {
      title: 'Jobs: ' + state,
      node: h('section', null, [h('h1', { text: 'Jobs ' }, [badge(state)]), form, tableBox, pager]),
      load: function () {
        var query = new URLSearchParams({ state: state, limit: String(PAGE_SIZE) });
        Object.keys(filters).forEach(function (name) {
          if (filters[name]) query.set(name, filters[name]);
        });
        var cursor = cursors[cursors.length - 1];
        if (cursor) query.set('cursor', cursor);
        return api('GET', 'jobs?' + query.toString());
      },
      render: function (result) {
        var whenLabel = FINISHED.indexOf(state) >= 0 ? 'Finished' : state === 'processing' ? 'Started' : 'Due';
        var rows = result.items.map(function (job) {
          var when = FINISHED.indexOf(state) >= 0 ? job.finishedAt : state === 'processing' ? job.startedAt : job.dueAt;
          var detail =
            job.error !== null
              ? h('span', { className: 'error-text', text: job.error.name + ': ' + job.error.message })
              : job.progress !== null
                ? h('span', null, [h('progress', { max: 100, value: job.progress.percent }), ' ' + job.progress.percent + '%'])
                : '';
          return h('tr', { className: 'job-row', 'data-id': job.id }, [
            h('td', null, [link('job/' + pathPart(job.id), job.id, 'mono')]),
            h('td', { text: job.type }),
            h('td', { text: job.queue }),
            h('td', null, [time(when)]),
            h('td', { className: 'num', text: job.attempt + (job.maxAttempts ? ' / ' + job.maxAttempts : '') }),
            h('td', null, [detail]),
            h('td', { className: 'actions' }, [jobActions(job)]),
          ]);
        });
        tableBox.replaceChildren(
          rows.length === 0
            ? h('p', { className: 'empty', text: 'No ' + state + ' jobs.' })
            : table(['Id', 'Type', 'Queue', whenLabel, 'Attempts', '', ''], rows),
        );
        pager.replaceChildren(
          h('button', {
            type: 'button',
            className: 'btn small',
            text: '← Previous',
            disabled: cursors.length === 1,
            onclick: function () {
              cursors.pop();
              refresh();
            },
          }),
          h('span', { className: 'muted', text: 'Page ' + cursors.length }),
          h('button', {
            type: 'button',
            className: 'btn small next',
            text: 'Next →',
            disabled: !result.nextCursor,
            onclick: function () {
              cursors.push(result.nextCursor);
              refresh();
            },
          }),
        );
      },
    };
    return page;
  }

  function jobPage(id) {
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

  function serversPage() {
    return listPage('Servers', 'servers', function (servers) {
      if (servers.length === 0) return h('p', { className: 'empty', text: 'No servers.' });
      return table(
        ['Id', 'Status', 'Host', 'Pid', 'Queues', 'Running', 'Heartbeat', 'Started'],
        servers.map(function (server) {
          return h('tr', { 'data-server': server.id }, [
            h('td', { className: 'mono', text: server.id }),
            h('td', null, [h('span', { className: 'badge ' + (server.alive ? 'active' : 'paused'), text: server.alive ? 'alive' : 'silent' })]),
            h('td', { text: server.hostname }),
            h('td', { className: 'num', text: server.pid }),
            h('td', { text: server.queues.join(', ') }),
            h('td', { className: 'num', text: server.running + ' / ' + server.concurrency }),
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

  function pageFor(url) {
    var rel = url.pathname.indexOf(BASE) === 0 ? url.pathname.slice(BASE.length) : null;
    var parts = rel === null ? [] : rel.split('/');
    if (rel === '') return { key: 'overview', make: overviewPage };
    if (parts[0] === 'jobs' && parts.length === 2 && STATES.indexOf(parts[1]) >= 0) {
      return { key: 'jobs/' + parts[1], make: function () { return jobsPage(parts[1], url.searchParams); } };
    }
    if (parts[0] === 'job' && parts.length === 2 && parts[1]) {
      var id = decodeURIComponent(parts[1]);
      return { key: 'job/' + id, make: function () { return jobPage(id); } };
    }
    if (rel === 'recurring') return { key: rel, make: recurringPage };
    if (rel === 'servers') return { key: rel, make: serversPage };
    if (rel === 'queues') return { key: rel, make: queuesPage };
    return { key: 'missing', make: notFoundPage };
  }

  // ---- rendering and live refresh ----
  function show() {
    var url = new URL(location.href);
    var page = pageFor(url).make();
    current = page;
    generation++;
    say('', false);
    document.title = page.title + ' · ' + (body.getAttribute('data-title') || 'Docket');
    document.querySelectorAll('#nav a').forEach(function (a) {
      var href = a.getAttribute('href');
      a.classList.toggle('active', href === url.pathname || (href !== BASE && url.pathname.indexOf(href) === 0));
    });
    main.replaceChildren(page.node);
    main.setAttribute('aria-busy', 'true');
    refresh();
  }

  function refresh() {
    var page = current;
    var mine = generation;
    if (!page) return Promise.resolve();
    busy = true;
    var loads = [page.load ? page.load() : Promise.resolve(null), page.title === 'Overview' ? null : api('GET', 'stats')];
    return Promise.all(loads)
      .then(function (results) {
        if (mine !== generation) return;
        if (page.render) page.render(results[0]);
        updateNav(results[1] || results[0]);
        main.setAttribute('aria-busy', 'false');
        live.textContent = 'Updated ' + new Date().toLocaleTimeString();
        live.className = 'live';
      })
      .catch(function (error) {
        if (mine !== generation) return;
        main.setAttribute('aria-busy', 'false');
        live.textContent = 'Offline: ' + error.message;
        live.className = 'live offline';
      })
      .then(function () {
        busy = false;
      });
  }

  function navigate(href) {
    history.pushState(null, '', href);
    show();
  }

  document.addEventListener('click', function (event) {
    var a = event.target.closest && event.target.closest('a[data-nav]');
    if (!a || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', show);
  timer = setInterval(function () {
    if (!document.hidden && !busy) refresh();
  }, REFRESH_MS);
  window.addEventListener('pagehide', function () {
    clearInterval(timer);
  });
  show();
})();
`;
