/** The UI script, part 1: the DOM helpers (values only through textContent), formatting and the API calls. */
export const APP_SCRIPT_CORE = `(function () {
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

`;
