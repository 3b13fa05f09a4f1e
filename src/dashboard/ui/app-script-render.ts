/** The UI script, part 4: rendering and live refresh. */
export const APP_SCRIPT_RENDER = `  // ---- rendering and live refresh ----
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
