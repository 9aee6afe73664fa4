// graphiql.js -- mounts GraphiQL 3.9.0 (UMD, with React 18 UMD) on the
// daemon's /graphql. The vendor files sit next to this page (installed by
// scripts/web-deps.sh; nothing is fetched at run time). Requests are
// same-origin, so the browser sends the HttpOnly session cookie: no token is
// typed or stored here. Not logged in: the API answers 401 and GraphiQL shows
// it; the link back to the console leads to the login page.
//
// Test hook: ?autorun=1 presses Run once the editor is up.
(function () {
  'use strict';
  var DEFAULT_QUERY = '# Your VMs, as the console sees them.\n' +
    '{\n  me { name role }\n  getVms { id name state ip vcpu memory }\n}\n';
  var fetcher = GraphiQL.createFetcher({
    url: new URL('/graphql', location.origin).href,
    fetch: function (url, init) {
      return fetch(url, Object.assign({}, init, { credentials: 'same-origin' }));
    },
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: false,
    shouldPersistHeaders: false,
  }));
  if (new URLSearchParams(location.search).get('autorun') === '1') {
    var tries = 0;
    var timer = setInterval(function () {
      var run = document.querySelector('.graphiql-execute-button');
      if (run || ++tries > 100) {
        clearInterval(timer);
        if (run) run.click();
      }
    }, 100);
  }
})();
