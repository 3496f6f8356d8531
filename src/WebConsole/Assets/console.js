// The console's only script: it tells the server the browser's time zone (times are shown in it, with the offset) and keeps
// the figures of a template page current by polling them (every 2 s while the page is visible).
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var cookie = "promo-console-tz=";
  var current = document.cookie.split("; ").find(function (c) { return c.indexOf(cookie) === 0; });
  if (zone && (!current || decodeURIComponent(current.substring(cookie.length)) !== zone)) {
    document.cookie = cookie + encodeURIComponent(zone) + "; path=/console; max-age=31536000; samesite=lax";
    if (!current && document.querySelector("[data-local-times]")) location.reload();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var live = document.querySelector("[data-live]");
    if (!live) return;
    var url = live.getAttribute("data-live");
    var format = function (n) { return n === null || n === undefined ? "\u2014" : Number(n).toLocaleString("en-US"); };
    var poll = function () {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (f) {
          if (!f) return;
          ["issued", "used", "stock"].forEach(function (k) {
            var el = live.querySelector('[data-figure="' + k + '"]');
            var text = format(f[k]);
            if (el && el.textContent !== text) el.textContent = text;
          });
        })
        .catch(function () { });
    };
    setInterval(poll, 2000);
  });
})();
