// Autosave: forms wrapped in {% autosave_form key %} save themselves as the person types
// (academy/drafts/, docs/adr/0010-form-drafts.md).
//
// Every few seconds while something changed, when a field is left, and when the page is hidden
// or closed, the form's fields go to the server as a draft (never passwords, files or hidden
// tokens). Each save names the version it was made on: a save on top of a version another tab
// or window made is refused, and the page says so instead of overwriting their words. Words the
// server could not take (offline, signed out, refused) are kept in this browser and tried again;
// after signing in, the page puts them back unless the server has a newer draft.
//
// Loaded as a file (the content security policy allows no inline script or handlers).
(function () {
  "use strict";

  if (window.academyAutosaveStarted || !window.fetch || !window.JSON) return;
  window.academyAutosaveStarted = true;

  var NOT_KEPT_TYPES = ["password", "file", "submit", "button", "reset", "image"];
  var KEPT_PREFIX = "academy:draft:";
  var WRITER_PREFIX = "academy:draft-writer:";
  var DAY = 24 * 60 * 60 * 1000;
  var KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies over 64 KB in flight
  var SIGNED_OUT_RETRY = 15000;
  var LONGEST_WAIT = 60000;
  var REQUEST_TIMEOUT = 20000;

  // --- Fields: which are kept, reading them, putting them back ------------------------------

  function keepable(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    var type = (field.type || "").toLowerCase();
    if (NOT_KEPT_TYPES.indexOf(type) !== -1) return false;
    // Hidden inputs carry tokens and state: only those marked data-autosave="on" are kept.
    if (type === "hidden" && field.getAttribute("data-autosave") !== "on") return false;
    if (/one-time-code|password|cc-/.test(field.getAttribute("autocomplete") || "")) return false;
    return !field.closest("[data-autosave='off']");
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, keepable);
  }

  // Field name -> text, or a list of texts (checkboxes, multiple choices, repeated names).
  function snapshot(form) {
    var data = {};
    var repeated = {};
    fieldsOf(form).forEach(function (field) {
      var name = field.name;
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox") {
        if (!Array.isArray(data[name])) data[name] = [];
        if (field.checked) data[name].push(field.value);
      } else if (type === "radio") {
        if (!(name in data)) data[name] = "";
        if (field.checked) data[name] = field.value;
      } else if (type === "select-multiple") {
        data[name] = Array.prototype.filter.call(field.options, function (option) {
          return option.selected;
        }).map(function (option) { return option.value; });
      } else if (name in data) {
        if (!repeated[name]) data[name] = [data[name]];
        repeated[name] = true;
        data[name].push(field.value);
      } else {
        data[name] = field.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    var position = {};
    fieldsOf(form).forEach(function (field) {
      var name = field.name;
      if (!Object.prototype.hasOwnProperty.call(data, name)) return;
      var value = data[name];
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox") {
        field.checked = Array.isArray(value) ? value.indexOf(field.value) !== -1 : value === field.value;
      } else if (type === "radio") {
        field.checked = field.value === value;
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = Array.isArray(value) && value.indexOf(option.value) !== -1;
        });
      } else if (Array.isArray(value)) {
        var index = position[name] || 0;
        position[name] = index + 1;
        if (index < value.length) field.value = value[index];
      } else {
        field.value = value;
      }
      // Components that count characters or show conditional parts follow their fields.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  // The same words always give the same text, whatever order the fields were read in.
  function canonical(data) {
    var sorted = {};
    Object.keys(data || {}).sort().forEach(function (name) { sorted[name] = data[name]; });
    return JSON.stringify(sorted);
  }

  // --- Words kept in this browser until the server has them ---------------------------------
  // localStorage outlives a closed tab (offline, signed out); sessionStorage holds what a form
  // was sent with, for the one tab that sent it. Entries carry the person, and the version of
  // the server's draft they were typed on top of: the server's draft wins when it is newer.

  function storages() {
    var found = [];
    try { found.push(window.localStorage); } catch (error) { /* switched off */ }
    try { found.push(window.sessionStorage); } catch (error) { /* switched off */ }
    return found.filter(Boolean);
  }

  function tidyKept(person, keepDays) {
    var now = Date.now();
    storages().forEach(function (store) {
      var names = [];
      for (var i = 0; i < store.length; i++) names.push(store.key(i));
      names.forEach(function (name) {
        if (!name || name.indexOf(KEPT_PREFIX) !== 0) return;
        var entry = null;
        try { entry = JSON.parse(store.getItem(name)); } catch (error) { /* unreadable */ }
        // Someone else's unsent words on a shared computer are not left for the next person.
        if (!entry || entry.person !== person || now - entry.at > keepDays * DAY) store.removeItem(name);
      });
    });
  }

  // --- One autosaved form --------------------------------------------------------------------

  function Autosave(root) {
    this.root = root;
    this.form = root.querySelector(".academy-autosave__form form");
    this.key = root.getAttribute("data-autosave-key");
    this.url = root.getAttribute("data-autosave-url");
    this.person = root.getAttribute("data-autosave-person");
    this.signInUrl = root.getAttribute("data-autosave-sign-in");
    this.csrfCookie = root.getAttribute("data-autosave-csrf-cookie") || "csrftoken";
    this.interval = Math.max(1, Number(root.getAttribute("data-autosave-interval")) || 5) * 1000;
    this.status = root.querySelector(".academy-autosave__status");
    this.conflict = root.querySelector(".academy-autosave__conflict");
    this.restoredBanner = root.querySelector(".academy-autosave__restored");
    this.keptName = KEPT_PREFIX + this.person + ":" + this.key;
    this.writer = this.writerId();
    this.saving = false;
    this.stopped = false; // sent, or waiting for the person's choice after a conflict
    this.failures = 0;
    this.notBefore = 0;
    this.refusedText = null; // words the server refused as they are (too large)
    this.serverVersion = 0;
  }

  // One id per browser tab and form, kept across reloads of that tab, so a save the page sent
  // as it went away (whose answer it never heard) does not count as another tab's.
  Autosave.prototype.writerId = function () {
    var name = WRITER_PREFIX + this.key;
    var id = null;
    try { id = window.sessionStorage.getItem(name); } catch (error) { /* switched off */ }
    if (!id) {
      var bytes = new Uint8Array(12);
      if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
      else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.sessionStorage.setItem(name, id); } catch (error) { /* a new id each page then */ }
    }
    return id;
  };

  Autosave.prototype.say = function (text, link) {
    var status = this.status;
    if (status.getAttribute("data-said") === text + (link || "")) return; // no repeat announcements
    status.setAttribute("data-said", text + (link || ""));
    status.textContent = text;
    if (link) {
      status.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.className = "govuk-link";
      a.href = link.href;
      a.textContent = link.text;
      status.appendChild(a);
      if (link.after) status.appendChild(document.createTextNode(link.after));
    }
  };

  Autosave.prototype.keep = function (store, data) {
    var entry = { person: this.person, key: this.key, base: this.version, data: data, at: Date.now() };
    try { store.setItem(this.keptName, JSON.stringify(entry)); } catch (error) { /* full or off */ }
  };

  Autosave.prototype.forgetKept = function () {
    var name = this.keptName;
    storages().forEach(function (store) { store.removeItem(name); });
  };

  Autosave.prototype.readKept = function () {
    var name = this.keptName;
    var person = this.person;
    var newest = null;
    storages().forEach(function (store) {
      var entry = null;
      try { entry = JSON.parse(store.getItem(name)); } catch (error) { /* unreadable */ }
      if (entry && entry.person === person && entry.data && (!newest || entry.at > newest.at)) newest = entry;
    });
    return newest;
  };

  Autosave.prototype.csrfToken = function () {
    var pattern = new RegExp("(?:^|;\\s*)" + this.csrfCookie + "=([^;]+)");
    var match = document.cookie.match(pattern);
    if (match) return decodeURIComponent(match[1]);
    var input = this.root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  Autosave.prototype.start = function () {
    var self = this;
    var initial = JSON.parse(document.getElementById(this.root.getAttribute("data-autosave-initial")).textContent);
    this.version = initial.version;
    // The server's words, not whatever the browser put back into the fields on a reload.
    this.form.reset();
    if (initial.fill && initial.data) restore(this.form, initial.data);
    if (initial.data) this.lastSaved = canonical(initial.data);
    else if (initial.posted) this.lastSaved = ""; // what was just sent is not on the server yet
    else this.lastSaved = canonical(snapshot(this.form)); // an untouched form makes no draft
    this.restoreKept();

    window.setInterval(function () { self.save(); }, this.interval);
    var soon = null;
    function saveSoon() {
      window.clearTimeout(soon);
      soon = window.setTimeout(function () { self.save(); }, 300);
    }
    this.form.addEventListener("change", saveSoon);
    this.form.addEventListener("focusout", saveSoon);
    this.form.addEventListener("submit", function () {
      // The form is on its way: no more saves (the view discards the draft once it is sent).
      // If the sending fails because the session ended, this tab still has the words.
      self.stopped = true;
      var data = snapshot(self.form);
      if (canonical(data) !== self.lastSaved) self.keep(window.sessionStorage, data);
    });
    var discard = this.root.querySelector(".academy-autosave__discard");
    if (discard) {
      discard.addEventListener("submit", function () {
        self.stopped = true;
        self.forgetKept();
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.save({ leaving: true });
    });
    window.addEventListener("pagehide", function () { self.save({ leaving: true }); });
    window.addEventListener("online", function () {
      self.notBefore = 0;
      self.save();
    });
    this.conflict.querySelector(".academy-autosave__reload").addEventListener("click", function () {
      self.forgetKept();
      window.location.reload();
    });
    this.conflict.querySelector(".academy-autosave__keep").addEventListener("click", function () {
      self.version = self.serverVersion;
      self.stopped = false;
      self.conflict.hidden = true;
      self.lastSaved = "";
      self.save();
    });
  };

  // Words kept in this browser go back into the form when the server has nothing newer.
  Autosave.prototype.restoreKept = function () {
    var kept = this.readKept();
    if (!kept) return;
    if (kept.base !== this.version || canonical(kept.data) === canonical(snapshot(this.form))) {
      this.forgetKept(); // the server's draft is newer, or already says the same
      return;
    }
    restore(this.form, kept.data);
    this.restoredBanner.querySelector(".academy-autosave__restored-text").textContent =
      "We have put back what you typed before you were signed out or lost your connection.";
    this.restoredBanner.hidden = false;
    this.notBefore = 0;
    var self = this;
    window.setTimeout(function () { self.save(); }, 0);
  };

  Autosave.prototype.wait = function (milliseconds) {
    this.notBefore = Date.now() + milliseconds;
  };

  Autosave.prototype.save = function (options) {
    var leaving = options && options.leaving;
    if (this.stopped) return;
    var data = snapshot(this.form);
    var text = canonical(data);
    if (text === this.lastSaved || text === this.refusedText) return;
    if (leaving) {
      // The page may not hear back: keep the words here too until the server has them.
      this.keep(window.localStorage, data);
    } else if (this.saving || Date.now() < this.notBefore) {
      return;
    }
    this.send(data, text, leaving);
  };

  Autosave.prototype.send = function (data, text, leaving) {
    var self = this;
    var body = JSON.stringify({ key: this.key, version: this.version, writer: this.writer, data: data });
    // A request that hangs (a dead connection the browser has not noticed) is given up.
    var controller = !leaving && window.AbortController ? new window.AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT) : null;
    this.saving = true;
    window.fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(leaving) && body.length < KEEPALIVE_LIMIT,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrfToken() },
      body: body,
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      return response.json().then(
        function (answer) { return answer; },
        function () { return {}; }
      ).then(function (answer) {
        window.clearTimeout(timer);
        self.saving = false;
        self.answered(response, answer, data, text);
      });
    }, function () {
      window.clearTimeout(timer);
      self.saving = false;
      self.failed(data, "Not saved \u2014 you are offline. We\u2019ll keep trying.");
    });
  };

  Autosave.prototype.failed = function (data, words, link) {
    this.keep(window.localStorage, data);
    this.failures += 1;
    this.wait(Math.min(LONGEST_WAIT, this.interval * Math.pow(2, this.failures - 1)));
    this.say(words, link);
  };

  Autosave.prototype.answered = function (response, answer, data, text) {
    var status = response.status;
    if (response.ok) {
      this.version = answer.version;
      this.lastSaved = text;
      this.failures = 0;
      this.notBefore = 0;
      this.forgetKept();
      this.say("Draft saved at " + answer.saved_at_label);
    } else if (status === 401 || response.redirected) {
      this.failed(data, "Not saved \u2014 you have been signed out.", {
        href: this.signInUrl,
        text: "Sign in again",
        after: " and we will put back what you typed.",
      });
      this.wait(SIGNED_OUT_RETRY); // another tab may sign in: try again now and then
    } else if (status === 409) {
      this.stopped = true;
      this.serverVersion = answer.version;
      this.keep(window.localStorage, data);
      this.conflict.querySelector(".academy-autosave__conflict-text").textContent = answer.discarded
        ? "This form was sent, or its draft discarded, in another tab or window."
        : "This form was changed in another tab or window.";
      this.conflict.hidden = false;
      this.say("Not saved \u2014 this form was changed in another tab or window.");
    } else if (status === 413) {
      this.refusedText = text;
      this.say("Not saved \u2014 " + (answer.message || "this draft is too large to save."));
    } else if (status === 429) {
      this.keep(window.localStorage, data);
      this.wait(1000 * (Number(response.headers.get("Retry-After")) || 60));
    } else if (status === 403) {
      this.failed(data, "Not saved \u2014 reload the page to carry on saving.");
    } else {
      this.failed(data, "Not saved \u2014 we\u2019ll keep trying.");
    }
  };

  var roots = document.querySelectorAll(".academy-autosave");
  if (roots.length) tidyKept(roots[0].getAttribute("data-autosave-person"),
    Number(roots[0].getAttribute("data-autosave-keep-days")) || 30);
  Array.prototype.forEach.call(roots, function (root) {
    var autosave = new Autosave(root);
    if (autosave.form) autosave.start();
  });
})();
