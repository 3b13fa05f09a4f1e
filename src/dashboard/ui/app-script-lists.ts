/** The UI script, part 2: the overview (with its chart) and the job lists. */
export const APP_SCRIPT_LISTS = `  // ---- pages ----
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
          unhandledPanel(stats.unhandled),
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

`;
