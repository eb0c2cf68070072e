// The idle time-out warning, and keeping what was typed (academy/idle_timeout/__init__.py).
//
// The server ends a session after SESSION_IDLE_MINUTES without a request. This script opens a
// warning a little before that, lets the person stay signed in, and, when time runs out, keeps
// the contents of the page's forms in sessionStorage (never passwords, codes or files) so they
// are put back once the person has signed in again and returned to the page.
//
// Loaded as a file (the content security policy allows no inline script or handlers).
(function () {
  "use strict";

  var KEPT_PREFIX = "academy:kept-forms:";
  var dialog = document.getElementById("academy-timeout");
  // Kept contents go back only to the person who typed them (a shared computer's next user
  // signing in on the same tab gets nothing).
  var person = dialog ? dialog.getAttribute("data-person") : null;
  var NOT_KEPT_TYPES = ["password", "hidden", "file", "submit", "button", "reset", "image"];

  // --- Keeping and restoring form contents ---------------------------------------------------

  function storageKey() {
    return KEPT_PREFIX + window.location.pathname;
  }

  function pageForms() {
    return Array.prototype.slice.call(document.querySelectorAll("main form"));
  }

  function keepable(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    if (NOT_KEPT_TYPES.indexOf((field.type || "").toLowerCase()) !== -1) return false;
    if (/one-time-code|password/.test(field.getAttribute("autocomplete") || "")) return false;
    return !field.closest("[data-keep-typed='off']");
  }

  // Only what the person changed: the rest comes back with the page anyway.
  function changedFields(form) {
    var changed = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!keepable(field)) return;
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (field.checked !== field.defaultChecked) {
          changed.push({ name: field.name, value: field.value, checked: field.checked });
        }
      } else if (field.tagName === "SELECT") {
        var differs = Array.prototype.some.call(field.options, function (option) {
          return option.selected !== option.defaultSelected;
        });
        if (differs) {
          var values = Array.prototype.filter.call(field.options, function (option) {
            return option.selected;
          }).map(function (option) { return option.value; });
          changed.push({ name: field.name, selected: values });
        }
      } else if (field.value !== field.defaultValue) {
        changed.push({ name: field.name, value: field.value });
      }
    });
    return changed;
  }

  function keepForms() {
    var kept = [];
    pageForms().forEach(function (form, index) {
      var fields = changedFields(form);
      if (fields.length) kept.push({ index: index, action: form.getAttribute("action") || "", fields: fields });
    });
    try {
      if (kept.length) window.sessionStorage.setItem(storageKey(), JSON.stringify({ person: person, forms: kept }));
    } catch (error) {
      // Storage full or switched off: nothing more can be done before signing out.
    }
  }

  function fieldsNamed(form, name) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name === name && keepable(field);
    });
  }

  function restoreField(form, saved) {
    fieldsNamed(form, saved.name).forEach(function (field) {
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        if (field.value === saved.value) field.checked = saved.checked;
      } else if (field.tagName === "SELECT" && saved.selected) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = saved.selected.indexOf(option.value) !== -1;
        });
      } else if (saved.value !== undefined) {
        field.value = saved.value;
      }
    });
  }

  // An "Important" banner (a region, as GOV.UK's are; the page may already carry an alert, such
  // as "Successfully signed in"), whose words arrive in a polite live region once it is shown.
  function announceRestored() {
    var main = document.querySelector("main");
    if (!main) return;
    var banner = document.createElement("div");
    banner.className = "govuk-notification-banner academy-timeout__restored";
    banner.setAttribute("role", "region");
    banner.setAttribute("aria-labelledby", "academy-restored-title");
    var header = document.createElement("div");
    header.className = "govuk-notification-banner__header";
    var title = document.createElement("h2");
    title.className = "govuk-notification-banner__title";
    title.id = "academy-restored-title";
    title.textContent = "Important";
    header.appendChild(title);
    var content = document.createElement("div");
    content.className = "govuk-notification-banner__content";
    var words = document.createElement("p");
    words.className = "govuk-notification-banner__heading";
    words.setAttribute("aria-live", "polite");
    content.appendChild(words);
    banner.appendChild(header);
    banner.appendChild(content);
    main.insertBefore(banner, main.firstChild);
    window.setTimeout(function () {
      words.textContent = "We have put back what you typed before you were signed out. Check it, then save it.";
    }, 250);
  }

  function restoreForms() {
    var stored;
    try {
      stored = window.sessionStorage.getItem(storageKey());
      if (stored === null) return;
      window.sessionStorage.removeItem(storageKey());
      stored = JSON.parse(stored);
    } catch (error) {
      return;
    }
    if (!stored || stored.person !== person || !Array.isArray(stored.forms)) return;
    var forms = pageForms();
    var restored = false;
    stored.forms.forEach(function (saved) {
      var form = forms[saved.index];
      if (!form || (form.getAttribute("action") || "") !== saved.action) return;
      saved.fields.forEach(function (field) { restoreField(form, field); });
      restored = true;
    });
    if (restored) announceRestored();
  }

  restoreForms();

  // --- The warning ---------------------------------------------------------------------------

  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) return;

  var idleSeconds = Number(dialog.getAttribute("data-idle-seconds"));
  var warningSeconds = Number(dialog.getAttribute("data-warning-seconds"));
  var statusUrl = dialog.getAttribute("data-status-url");
  var extendForm = dialog.querySelector(".academy-timeout__form");
  var countdown = dialog.querySelector(".academy-timeout__countdown");
  var spoken = dialog.querySelector(".academy-timeout__spoken");
  var live = dialog.querySelector(".academy-timeout__live");
  // One second past the server's own limit, so the server has ended the session by then.
  var deadline = 0;
  var warnTimer = null;
  var tickTimer = null;
  var signingOut = false;

  function words(seconds) {
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function schedule(remaining) {
    deadline = Date.now() + (remaining + 1) * 1000;
    window.clearTimeout(warnTimer);
    warnTimer = window.setTimeout(checkThenWarn, Math.max(0, remaining - warningSeconds) * 1000);
  }

  function signOut() {
    if (signingOut) return;
    signingOut = true;
    window.clearTimeout(warnTimer);
    window.clearInterval(tickTimer);
    keepForms();
    // The server has ended the session: this page now sends the person to sign in, and back.
    // Always to this origin: a path such as "//elsewhere.example/" would otherwise be read as
    // another host. (Not reload(): that would offer to post a submitted form again.)
    var path = "/" + window.location.pathname.replace(/^[\/\\]+/, "");
    window.location.assign(window.location.origin + path + window.location.search);
  }

  // Asking for the time left is not activity; another tab may have kept the session alive.
  function askServer() {
    return window.fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("signed out");
        return response.json();
      });
  }

  function closeWarning() {
    window.clearInterval(tickTimer);
    if (dialog.open) dialog.close();
  }

  function tick() {
    var left = secondsLeft();
    countdown.textContent = words(left);
    spoken.textContent = words(left);
    if (left % 30 === 0 || left === 10) live.textContent = "We will sign you out in " + words(left) + ".";
    if (left <= 0) {
      window.clearInterval(tickTimer);
      askServer().then(function (status) {
        if (status.remaining > 0) {
          closeWarning();
          schedule(status.remaining);
        } else {
          signOut();
        }
      }, signOut);
    }
  }

  function openWarning() {
    if (!dialog.open) dialog.showModal();
    live.textContent = "We will sign you out in " + words(secondsLeft()) + ".";
    window.clearInterval(tickTimer);
    tick();
    tickTimer = window.setInterval(tick, 1000);
  }

  function checkThenWarn() {
    askServer().then(function (status) {
      if (status.remaining > warningSeconds + 1) {
        closeWarning();
        schedule(status.remaining);
      } else {
        deadline = Date.now() + (status.remaining + 1) * 1000;
        openWarning();
      }
    }, signOut);
  }

  function staySignedIn() {
    window.fetch(extendForm.action, {
      method: "POST",
      body: new FormData(extendForm),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.redirected || !response.ok) throw new Error("signed out");
      return response.json();
    }).then(function (status) {
      closeWarning();
      live.textContent = "You are still signed in.";
      schedule(status.remaining);
    }, signOut);
  }

  extendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  // Escape closes a modal dialog: here it means "stay signed in".
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  // Timers sleep with the laptop or a background tab: look again when the page is seen.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && !signingOut && Date.now() > deadline - warningSeconds * 1000) {
      checkThenWarn();
    }
  });
  // A form sent after the time-out reaches a server that has signed the person out: keep what
  // was typed so it is back on this page after signing in.
  pageForms().forEach(function (form) {
    form.addEventListener("submit", function () {
      if (Date.now() >= deadline) keepForms();
    });
  });

  schedule(idleSeconds);
})();
