// agora portal: progressive enhancement only. Every page works without this file; it adds search
// as you type (the server renders the results, this swaps them in and keeps the URL in step),
// keyboard use ("/" focuses the search box, arrow keys move through results), copy buttons, and the
// publish form's upload progress and dependency picker.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var box = document.getElementById("q");
  var region = document.getElementById("search-results");
  var pending = null;
  var sequence = 0;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey && box) {
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = Array.prototype.slice.call(document.querySelectorAll(".result .result-link"));
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    if (event.target === box && event.key === "ArrowDown") index = -1;
    else if (index < 0) return;
    var next = index + (event.key === "ArrowDown" ? 1 : -1);
    event.preventDefault();
    if (next < 0) box && box.focus();
    else links[Math.min(next, links.length - 1)].focus();
  });

  // Copy buttons exist only where they work.
  function addCopyButtons(root) {
    if (!navigator.clipboard) return;
    root.querySelectorAll(".snippet").forEach(function (snippet) {
      if (snippet.querySelector(".copy")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy secondary";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy " + (snippet.getAttribute("data-label") || "snippet"));
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(snippet.querySelector("pre").textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
      snippet.appendChild(button);
    });
  }
  addCopyButtons(document);

  // The publish form's upload shows its progress; without this file the form posts as usual.
  var publish = document.getElementById("publish-form");
  var progress = document.getElementById("upload-progress");
  var uploadStatus = document.getElementById("upload-status");
  if (publish && progress && uploadStatus && window.FormData && window.XMLHttpRequest) {
    publish.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", publish.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.floor((100 * e.loaded) / e.total);
        progress.value = percent;
        uploadStatus.textContent = "Uploading: " + percent + "%";
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== publish.action) {
          location.assign(xhr.responseURL);  // the publication's steps
          return;
        }
        document.open();  // the form again, with why it was refused
        document.write(xhr.responseText);
        document.close();
      });
      xhr.addEventListener("error", function () {
        uploadStatus.textContent = "The upload failed: check the connection and try again.";
        publish.querySelector("button[type=submit]").disabled = false;
      });
      progress.hidden = false;
      publish.querySelector("button[type=submit]").disabled = true;
      xhr.send(new FormData(publish));
    });
  }

  // The publish form's dependency picker: a search listing versions, each a button that adds it
  // to the Dependencies input. Without this file the picker stays hidden and they are typed.
  var picker = document.getElementById("dependency-picker");
  var dependencies = document.getElementById("publish-dependencies");
  if (picker && dependencies && window.fetch) {
    var search = document.getElementById("dependency-search");
    var choices = document.getElementById("dependency-choices");
    var added = document.getElementById("dependency-added");
    var timer = null;
    var asked = 0;
    picker.hidden = false;
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // searching is not publishing
    });
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++asked;
        if (!search.value.trim()) { choices.innerHTML = ""; return; }
        fetch("/exchange/-/dependency-choices?q=" + encodeURIComponent(search.value),
              { headers: { Accept: "text/html" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) { if (mine === asked) choices.innerHTML = html; });
      }, 150);
    });
    choices.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[data-dependency]");
      if (!button) return;
      var value = button.getAttribute("data-dependency");
      var list = dependencies.value.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
      if (list.indexOf(value) < 0) list.push(value);
      dependencies.value = list.join(", ");
      added.textContent = "Added " + value + " to the dependencies.";
    });
  }

  if (!form || !box || !region) return;

  // The hidden inputs carry the filters and the sort, so that typing keeps them.
  function syncForm(params) {
    form.querySelectorAll("input[type=hidden]").forEach(function (input) { input.remove(); });
    params.forEach(function (value, name) {
      if (name === "q" || name === "page") return;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.appendChild(input);
    });
    box.value = params.get("q") || "";
  }

  function load(query, push) {
    var mine = ++sequence;
    if (pending) pending.abort();
    pending = new AbortController();
    fetch("/exchange/-/results" + query, { signal: pending.signal, headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 401) { location.assign("/exchange/" + query); return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null || mine !== sequence) return;
        region.innerHTML = html;
        var url = "/exchange/" + query;
        if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
        var heading = region.querySelector("[data-title]");
        if (heading) document.title = heading.getAttribute("data-title");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") location.assign("/exchange/" + query);
      });
  }

  function formQuery() {
    var params = new URLSearchParams(new FormData(form));
    if (!params.get("q")) params.delete("q");
    var text = params.toString();
    return text ? "?" + text : "";
  }

  box.addEventListener("input", function () { load(formQuery(), false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(formQuery(), true);
  });
  region.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-nav]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var url = new URL(link.href);
    syncForm(url.searchParams);
    load(url.search, true);
  });
  window.addEventListener("popstate", function () {
    syncForm(new URLSearchParams(location.search));
    load(location.search, false);
  });
})();
