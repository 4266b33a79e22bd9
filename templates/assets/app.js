// This page's errors reach Sentry through our own origin, without a third-party script: a
// minimal envelope posted to /api/sentry-tunnel, which forwards it only to our own project.
// First, so that an error in the code below is reported too; a few per page at most.
(function () {
  "use strict";
  var dsn = document.body && document.body.getAttribute("data-sentry");
  var left = 3;
  if (!dsn || !window.JSON) return;
  function report(type, message, stack) {
    if (left-- <= 0) return;
    var id = "";
    while (id.length < 32) id += Math.floor(Math.random() * 16).toString(16);
    var event = {
      event_id: id, timestamp: Date.now() / 1000, platform: "javascript", level: "error",
      exception: { values: [{ type: String(type || "Error"), value: String(message).slice(0, 1000) }] },
      request: { url: location.origin + location.pathname, headers: { "User-Agent": navigator.userAgent } },
      tags: { page: "invite" }, extra: { stack: String(stack || "").slice(0, 4000) }
    };
    var envelope = JSON.stringify({ event_id: id, dsn: dsn, sent_at: new Date().toISOString() }) +
      "\n" + JSON.stringify({ type: "event" }) + "\n" + JSON.stringify(event) + "\n";
    try {
      if (navigator.sendBeacon) navigator.sendBeacon("/api/sentry-tunnel", envelope);
      else if (window.fetch) fetch("/api/sentry-tunnel", { method: "POST", body: envelope, keepalive: true, credentials: "omit" });
    } catch (e) { /* reporting never breaks the page */ }
  }
  window.addEventListener("error", function (e) {
    var error = e.error || {};
    report(error.name, error.message || e.message, error.stack);
  });
  window.addEventListener("unhandledrejection", function (e) {
    var reason = e.reason || {};
    report(reason.name || "UnhandledRejection", reason.message || String(e.reason), reason.stack);
  });
})();

// Progressive enhancement of the invite page. Without this script the page is complete: the
// RSVP form posts and the server answers 303 back here. With it: no reload, an optimistic
// update, the answer remembered on this device, and live counts from rsvps.json.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  var body = document.body;
  var slug = body.getAttribute("data-slug");
  var startsAt = Date.parse(body.getAttribute("data-starts-at"));
  var partySize = Number(body.getAttribute("data-party-size")) || 0;
  var cancelled = body.hasAttribute("data-cancelled");
  var storeKey = "tablefor:" + slug;
  var MAX_NAMES = Number(($("[data-names]") || body).getAttribute("data-max-names")) || 20;
  var form = $("[data-rsvp]");
  var answered = $("[data-answered]");
  var statusBox = $("[data-status]");
  var submitButton = $("[data-submit]");
  var retryButton = $("[data-retry]");
  var summary = readSummary();
  var publishedVersion = Number(body.getAttribute("data-version")) || 0;
  var sending = false;
  var closed = false;
  var lastAnswer = null;
  var ANSWER_WORDS = { IN: "You’re in", MAYBE: "You said maybe", OUT: "You can’t make it" };

  function $(selector) { return document.querySelector(selector); }
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  function firstName(name) { return name.trim().split(/\s+/)[0] || name; }
  function initial(name) {
    var match = name.trim().match(/^.[\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]*/);
    return match ? match[0].toUpperCase() : "?";
  }

  // --- the answer remembered on this device ---------------------------------------------
  function remembered() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function remember(answer) {
    try { localStorage.setItem(storeKey, JSON.stringify(answer)); } catch (e) { /* private mode */ }
  }

  // --- the summary: read from the rendered page, then from rsvps.json ---------------------
  function readSummary() {
    var number = function (selector) { var el = $(selector); return el ? parseInt(el.textContent, 10) || 0 : 0; };
    var more = function (selector) { var el = $(selector); return el ? Number(el.getAttribute("data-more")) || 0 : 0; };
    var maybe = $("[data-maybe]");
    var maybeText = maybe && !maybe.hidden ? maybe.textContent.replace(/^Maybe: /, "").replace(/ \+\d+ more$/, "") : "";
    return {
      going: number("[data-going]"),
      counts: { IN: number(".count-in"), MAYBE: number(".count-maybe"), OUT: number(".count-out") },
      names: all("[data-names] li:not([data-more])").map(function (li) { return li.lastChild.textContent; }),
      more_names: more("[data-names] [data-more]"),
      maybe_names: maybeText ? maybeText.split(", ") : [],
      more_maybe_names: more("[data-maybe]"),
      full: !!($("[data-full]") && !$("[data-full]").hidden)
    };
  }

  function render(s) {
    setText("[data-going]", String(s.going));
    setText("[data-going-word]", s.going === 1 ? "person" : "people");
    setText("[data-hero-going]", s.going ? s.going + " going" : "");
    setText(".count-in", s.counts.IN + " in");
    setText(".count-maybe", s.counts.MAYBE + " maybe");
    setText(".count-out", s.counts.OUT + " out");
    all("[data-seats] .seat").forEach(function (seat, i) { seat.classList.toggle("taken", i < s.going); });
    var list = $("[data-names]");
    var moreNames = s.more_names || 0, moreMaybe = s.more_maybe_names || 0;
    if (list) {
      list.textContent = "";
      s.names.forEach(function (name) { list.appendChild(person(name)); });
      if (moreNames) list.appendChild(moreItem(moreNames));
    }
    var empty = $("[data-empty]");
    if (empty) empty.hidden = closed || s.names.length > 0;
    var maybe = $("[data-maybe]");
    if (maybe) {
      maybe.hidden = s.maybe_names.length === 0;
      maybe.textContent = "Maybe: " + s.maybe_names.join(", ") + (moreMaybe ? " +" + moreMaybe + " more" : "");
      maybe.setAttribute("data-more", String(moreMaybe));
    }
    setFull(!!s.full);
  }

  // Past the first MAX_NAMES names the rest are counted, never listed (renderer/words.py).
  function moreItem(count) {
    var li = document.createElement("li");
    li.className = "more";
    li.setAttribute("data-more", String(count));
    li.textContent = "+" + count + " more";
    return li;
  }

  function person(name) {
    var li = document.createElement("li");
    var avatar = document.createElement("span");
    avatar.className = "avatar";
    avatar.setAttribute("aria-hidden", "true");
    avatar.textContent = initial(name);
    li.appendChild(avatar);
    li.appendChild(document.createTextNode(name));
    return li;
  }

  function setText(selector, text) { var el = $(selector); if (el) el.textContent = text; }

  // What the list looks like once `answer` replaces `previous` (either may be null).
  function withAnswer(s, answer, previous) {
    var next = JSON.parse(JSON.stringify(s));
    if (previous) change(next, previous, -1);
    if (answer) change(next, answer, 1);
    if (partySize) next.full = s.full && next.going >= partySize;
    return next;
  }

  function change(s, answer, sign) {
    var first = firstName(answer.name);
    var names = answer.response === "IN" ? s.names : answer.response === "MAYBE" ? s.maybe_names : null;
    var more = answer.response === "IN" ? "more_names" : "more_maybe_names";
    s.counts[answer.response] = Math.max(0, s.counts[answer.response] + sign);
    if (answer.response === "IN") s.going = Math.max(0, s.going + sign * (1 + Number(answer.guests || 0)));
    if (!names) return;
    if (sign > 0) {
      if (names.length < MAX_NAMES) names.push(first); else s[more] = (s[more] || 0) + 1;
      return;
    }
    var at = names.lastIndexOf(first);
    if (at >= 0) names.splice(at, 1);
    else if (s[more] > 0) s[more] -= 1;
  }

  function load(untilNewerThan, attempts) {
    if (!window.fetch) return;
    fetch("/i/" + slug + "/rsvps.json", { cache: "no-cache", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (fresh) {
        if (!fresh || sending) return;
        if (untilNewerThan && fresh.version <= untilNewerThan) {
          // The worker has not republished yet: keep the optimistic list and look again.
          if (attempts > 0) setTimeout(function () { load(untilNewerThan, attempts - 1); }, 1500);
          return;
        }
        publishedVersion = Math.max(publishedVersion, fresh.version);
        summary = fresh;
        render(summary);
        // The full notice says what a refused answer's message said, and what is still possible.
        if (fresh.full && statusBox && statusBox.getAttribute("data-kind") === "conflict") say("");
        if (fresh.cancelled) close("The host cancelled this dinner; answers are closed.");
      })
      .catch(function () { /* the rendered list stays */ });
  }

  // --- states: answered, full, past ------------------------------------------------------
  function showAnswer(answer) {
    if (!answered || !form) return;
    var guests = Number(answer.guests || 0);
    answered.setAttribute("data-response", answer.response);
    setText("[data-answered-text]", ANSWER_WORDS[answer.response] + ", " + firstName(answer.name) + (answer.response === "IN" && guests ? " (+" + guests + ")" : "") + ".");
    answered.hidden = false;
    form.hidden = true;
    fill(answer);
    setFull(summary.full);
  }

  function fill(answer) {
    var radio = form.querySelector('input[name="response"][value="' + answer.response + '"]');
    if (radio) radio.checked = true;
    form.elements.name.value = answer.name;
    form.elements.guests.value = String(answer.guests || 0);
    if (answer.participant_key) form.querySelector("[data-key]").value = answer.participant_key;
  }

  function setFull(full) {
    var notice = $("[data-full]");
    var mine = remembered();
    var keepIn = mine && mine.response === "IN"; // someone already in may still change guests
    if (notice) notice.hidden = !full;
    var inChoice = form && form.querySelector('input[value="IN"]');
    if (!inChoice) return;
    inChoice.disabled = full && !keepIn;
    if (inChoice.disabled && inChoice.checked) inChoice.checked = false;
  }

  function close(message) {
    closed = true;
    setText("#rsvp-title", "Answers are closed");
    var empty = $("[data-empty]");
    if (empty) empty.hidden = true;
    if (form) form.hidden = true;
    if (answered) answered.hidden = true;
    var past = $("[data-past]");
    if (past) { past.textContent = message; past.hidden = false; }
    all(".hero-actions").forEach(function (actions) { actions.hidden = true; });
  }

  function isPast() { return !!startsAt && Date.now() >= startsAt; }

  // --- sending ---------------------------------------------------------------------------
  function say(message, kind) {
    if (!statusBox) return;
    statusBox.textContent = message || "";
    statusBox.hidden = !message;
    if (kind) statusBox.setAttribute("data-kind", kind); else statusBox.removeAttribute("data-kind");
  }

  function collect() {
    var checked = form.querySelector('input[name="response"]:checked');
    var name = form.elements.name.value.trim();
    if (!checked || !name) return null;
    var answer = { response: checked.value, name: name, guests: Number(form.elements.guests.value || 0) };
    var previous = remembered();
    var key = form.querySelector("[data-key]").value || (previous && previous.participant_key);
    if (key) answer.participant_key = key;
    return answer;
  }

  function send(answer) {
    if (sending) return;
    if (isPast()) { close("This dinner has already started, so answers are closed."); return; }
    var previous = remembered();
    var before = summary;
    sending = true;
    lastAnswer = answer;
    retryButton.hidden = true;
    submitButton.hidden = false;
    submitButton.disabled = true;
    submitButton.textContent = "Sending…";
    say("");
    render(withAnswer(before, answer, previous));
    fetch("/api/invites/" + slug + "/rsvp", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(answer)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw { status: response.status, detail: data.detail };
        return data;
      });
    }).then(function (saved) {
      sending = false;
      var mine = { response: saved.response, name: saved.name, guests: saved.guests, participant_key: saved.participant_key };
      remember(mine);
      summary = withAnswer(before, mine, previous);
      render(summary);
      showAnswer(mine);
      say("Thanks — your answer is in.", "ok");
      answered.focus();
      load(publishedVersion, 8);
    }).catch(function (error) {
      sending = false;
      render(before); // undo the optimistic change
      failed(error);
    }).then(function () {
      submitButton.disabled = false;
      submitButton.textContent = "Send my answer";
    });
  }

  function failed(error) {
    if (!error || !error.status) {
      say("We couldn’t reach Tablefor — check your connection. Your answer is kept here; try again when you’re back online.");
      submitButton.hidden = true; // one clear way on: the same answer, sent again
      retryButton.hidden = false;
      retryButton.focus();
      return;
    }
    if (error.status === 409 && isPast()) close("This dinner has already started, so answers are closed.");
    if (error.status === 409) load(0, 0); // learn whether the table filled or the dinner was cancelled
    if (error.status === 429 || error.status >= 500) { submitButton.hidden = true; retryButton.hidden = false; }
    say(error.detail || "Your answer was not saved. Please try again.", error.status === 409 ? "conflict" : "");
  }

  if (form && !cancelled) {
    answered.setAttribute("tabindex", "-1");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.JSON) return; // the plain form post still works
      event.preventDefault();
      var answer = collect();
      if (!answer) { say("Please pick an answer and give your name."); return; }
      send(answer);
    });
    retryButton.addEventListener("click", function () { send(collect() || lastAnswer); });
    $("[data-change]").addEventListener("click", function () {
      answered.hidden = true;
      form.hidden = false;
      say("");
      var first = form.querySelector("input:checked") || form.querySelector("input[type=radio]:not(:disabled)");
      if (first) first.focus();
    });
    var mine = remembered();
    if (mine) showAnswer(mine);
    if (isPast()) close("This dinner has already started, so answers are closed.");
  }

  // --- when: "in 12 days" -----------------------------------------------------------------
  var countdown = $("[data-countdown]");
  if (countdown && startsAt && !cancelled) {
    var day = function (t) { var d = new Date(t); return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 864e5; };
    var days = day(startsAt) - day(Date.now());
    countdown.textContent = isPast() ? " · already started" : days === 0 ? " · today" : days === 1 ? " · tomorrow" : " · in " + days + " days";
  }

  // --- sharing -----------------------------------------------------------------------------
  var share = $("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: document.title, url: location.href.split("#")[0] }).catch(function () {});
    });
  }

  // --- the reveal: cards below the fold rise in as they are scrolled to ----------------------
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (!still && "IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        entry.target.classList.add("shown");
        observer.unobserve(entry.target);
      });
    }, { rootMargin: "0px 0px -8% 0px" });
    all(".card:not(.card-hero)").forEach(function (card) {
      if (card.getBoundingClientRect().top < window.innerHeight) return; // never animate what is already seen
      card.classList.add("reveal");
      observer.observe(card);
    });
  }

  load(0, 0);
})();
