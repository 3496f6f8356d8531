// The distribution pages' script. The upload form is sent with XMLHttpRequest so its upload progress can be shown (the antiforgery
// token goes in a header: the console then streams the body on to the API unread); the API's field errors are put beside the fields.
// A task page polls its progress every second while it is visible and opens the page again (GET) when the task's status changes,
// so the buttons and the failures match it. Without this script the form still posts and the task page still shows the figures.
(function () {
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }

  function upload(form) {
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("#upload-progress");
    var percent = form.querySelector("#upload-percent");
    var status = form.querySelector("#upload-status");
    var summary = form.querySelector("#upload-summary");
    var button = form.querySelector("button[type=submit]");
    var show = function (n) { bar.value = n; bar.textContent = n + " %"; percent.textContent = n + " %"; };
    var clear = function () {
      summary.hidden = true; summary.textContent = "";
      form.querySelectorAll("p.error[id$='-error']").forEach(function (p) { p.hidden = true; p.textContent = ""; });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    };
    var refuse = function (problem, httpStatus) {
      var rest = [];
      var errors = (problem && problem.errors) || {};
      Object.keys(errors).forEach(function (field) {
        var text = [].concat(errors[field]).join(" ");
        var slot = form.querySelector("#" + CSS.escape(field) + "-error");
        var input = form.querySelector("#" + CSS.escape(field));
        if (slot) { slot.textContent = text; slot.hidden = false; if (input) input.setAttribute("aria-invalid", "true"); }
        else rest.push(field + ": " + text);
      });
      var head = !problem || !problem.code ? form.getAttribute("data-text-failed") + " (" + httpStatus + ")"
        : Object.keys(errors).length > 0 && rest.length === 0 ? form.getAttribute("data-text-fix")
        : problem.code + ": " + (problem.title || "") + (problem.detail ? " " + problem.detail : "");
      summary.textContent = [head].concat(rest).join(" ");
      summary.hidden = false;
      status.textContent = "";
      button.disabled = false;
      box.hidden = true;
    };
    // A field changed after a refusal loses its error; the summary goes with the last of them.
    form.addEventListener("change", function (e) {
      var slot = e.target.id ? form.querySelector("#" + CSS.escape(e.target.id) + "-error") : null;
      if (!slot || slot.hidden) return;
      slot.hidden = true;
      slot.textContent = "";
      e.target.removeAttribute("aria-invalid");
      if (!form.querySelector("p.error[id$='-error']:not([hidden])")) summary.hidden = true;
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clear();
      var data = new FormData(form);
      data.delete("__RequestVerificationToken");
      var local = data.get("startAt");
      // datetime-local holds no zone: the browser reads it in its own, the viewer's (the console shows times in it too).
      if (local) data.set("startAt", new Date(local).toISOString()); else data.delete("startAt");
      var file = data.get("file");
      if (file && typeof file === "object" && !file.name) data.delete("file"); // nothing chosen: the API says the file is required
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("RequestVerificationToken", form.querySelector("input[name=__RequestVerificationToken]").value);
      xhr.upload.addEventListener("progress", function (ev) { if (ev.lengthComputable) show(Math.floor(ev.loaded * 100 / ev.total)); });
      xhr.upload.addEventListener("load", function () { show(100); status.textContent = form.getAttribute("data-text-sent"); });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (x) { body = null; }
        if (xhr.status >= 200 && xhr.status < 300 && body && body.location) { location.assign(body.location); return; }
        refuse(body, xhr.status);
      });
      xhr.addEventListener("error", function () { refuse(null, 0); });
      show(0);
      box.hidden = false;
      button.disabled = true;
      xhr.send(data);
    });
  }

  function poll(live) {
    if (live.getAttribute("data-finished") === "true") return;
    var url = live.getAttribute("data-task-live");
    var status = live.getAttribute("data-status");
    var bar = live.querySelector("progress");
    var timer = setInterval(function () {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (!p) return;
          bar.value = p.percent;
          bar.setAttribute("aria-valuetext", p.percentText);
          bar.textContent = p.percentText;
          live.querySelectorAll("[data-progress]").forEach(function (el) {
            var text = p[el.getAttribute("data-progress")];
            if (text !== undefined && el.textContent !== text) el.textContent = text;
          });
          if (p.status !== status) { clearInterval(timer); location.assign(location.pathname); }
        })
        .catch(function () { });
    }, 1000);
  }

  ready(function () {
    var form = document.querySelector("form[data-upload]");
    if (form) upload(form);
    var live = document.querySelector("[data-task-live]");
    if (live) poll(live);
  });
})();
