// Progressive enhancement of the invite page. Without this script the page is complete: the
// RSVP form posts and the server answers 303 back here. With it: no reload, an optimistic
// update, the answer remembered on this device, and live counts from rsvps.json.
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.remove("no-js");
  doc.classList.add("js");

  var body = document.body;
  var slug = body.getAttribute("data-slug");
  var startsAt = Date.parse(body.getAttribute("data-starts-at"));
  var cancelled = body.hasAttribute("data-cancelled");
  var storeKey = "tablefor:" + slug;
  var form = document.querySelector("[data-rsvp]");
  var statusBox = document.querySelector("[data-status]");
  var answered = document.querySelector("[data-answered]");
  var pending = null;

  function $(selector) { return document.querySelector(selector); }
  function remembered() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function remember(value) {
    try { localStorage.setItem(storeKey, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function say(message) {
    if (!statusBox) return;
    statusBox.textContent = message || "";
    statusBox.hidden = !message;
  }
  var words = { IN: "You’re in", MAYBE: "You said maybe", OUT: "You can’t make it" };

  function showAnswer(answer) {
    if (!answered || !form) return;
    answered.hidden = false;
    answered.textContent = words[answer.response] + ", " + answer.name + ". ";
    var change = document.createElement("button");
    change.type = "button";
    change.className = "button button-quiet";
    change.textContent = "Change my answer";
    change.addEventListener("click", function () {
      answered.hidden = true;
      form.hidden = false;
      var first = form.querySelector("input:checked") || form.querySelector("input[type=radio]");
      if (first) first.focus();
    });
    answered.appendChild(change);
    form.hidden = true;
    fill(answer);
  }

  function fill(answer) {
    if (!form) return;
    var radio = form.querySelector('input[name="response"][value="' + answer.response + '"]');
    if (radio) radio.checked = true;
    form.elements.name.value = answer.name;
    form.elements.guests.value = String(answer.guests || 0);
    if (answer.participant_key) form.querySelector("[data-key]").value = answer.participant_key;
  }

  function render(summary) {
    var going = $("[data-going]");
    var names = $("[data-names]");
    var counts = $("[data-counts]");
    if (going) going.textContent = String(summary.going);
    if (names) {
      names.textContent = "";
      summary.names.forEach(function (name) {
        var li = document.createElement("li");
        li.textContent = name;
        names.appendChild(li);
      });
    }
    if (counts) {
      counts.textContent = summary.counts.IN + " in · " + summary.counts.MAYBE + " maybe · " + summary.counts.OUT + " out";
    }
  }

  function optimistic(answer, previous) {
    var summary = readSummary();
    if (previous) adjust(summary, previous, -1);
    adjust(summary, answer, 1);
    render(summary);
  }

  function readSummary() {
    var names = Array.prototype.map.call(document.querySelectorAll("[data-names] li"), function (li) { return li.textContent; });
    var parts = ($("[data-counts]") || { textContent: "" }).textContent.match(/\d+/g) || [0, 0, 0];
    return {
      going: Number(($("[data-going]") || { textContent: "0" }).textContent) || 0,
      names: names,
      counts: { IN: Number(parts[0]), MAYBE: Number(parts[1]), OUT: Number(parts[2]) }
    };
  }

  function adjust(summary, answer, sign) {
    var first = answer.name.split(/\s+/)[0];
    summary.counts[answer.response] = Math.max(0, summary.counts[answer.response] + sign);
    if (answer.response === "IN") {
      summary.going = Math.max(0, summary.going + sign * (1 + Number(answer.guests || 0)));
      if (sign > 0) summary.names.push(first);
      else summary.names.splice(summary.names.lastIndexOf(first), 1);
    }
  }

  function refresh() {
    if (!window.fetch) return;
    fetch("/i/" + slug + "/rsvps.json", { cache: "no-cache", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (summary) { if (summary && !pending) render(summary); })
      .catch(function () { /* the rendered counts stay */ });
  }

  function send(answer, previous) {
    pending = answer;
    say("");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch("/api/invites/" + slug + "/rsvp", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(answer)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw { problem: data, status: response.status };
        return data;
      });
    }).then(function (data) {
      pending = null;
      var saved = { response: data.response, name: data.name, guests: data.guests, participant_key: data.participant_key };
      remember(saved);
      showAnswer(saved);
      setTimeout(refresh, 1500);
    }).catch(function (error) {
      pending = null;
      if (error && error.status) {
        if (previous) { optimistic(previous, answer); } else { refresh(); }
        say((error.problem && error.problem.detail) || "Your answer was not saved. Please try again.");
      } else {
        say("You seem to be offline. Your answer is kept here: press “Send my answer” again to retry.");
      }
    }).then(function () { button.disabled = false; });
  }

  if (form && !cancelled) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.JSON) return; // fall back to the plain form post
      event.preventDefault();
      var checked = form.querySelector('input[name="response"]:checked');
      var name = form.elements.name.value.trim();
      if (!checked || !name) { say("Please pick an answer and give your name."); return; }
      var previous = remembered();
      var answer = { response: checked.value, name: name, guests: Number(form.elements.guests.value || 0) };
      var key = form.querySelector("[data-key]").value || (previous && previous.participant_key);
      if (key) answer.participant_key = key;
      optimistic(answer, previous);
      send(answer, previous);
    });
    var saved = remembered();
    if (saved) showAnswer(saved);
  }

  if (!cancelled && startsAt && Date.now() > startsAt && form) {
    form.hidden = true;
    var past = $("[data-past]");
    if (past) past.hidden = false;
  }

  var share = $("[data-share]");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: document.title, url: location.href.split("#")[0] }).catch(function () {});
    });
  }

  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (!reduce && "IntersectionObserver" in window) {
    var cards = document.querySelectorAll(".card:not(.card-hero)");
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { entry.target.classList.add("shown"); observer.unobserve(entry.target); }
      });
    }, { rootMargin: "0px 0px -10% 0px" });
    Array.prototype.forEach.call(cards, function (card) {
      var box = card.getBoundingClientRect();
      if (box.top < window.innerHeight) return; // already on screen: never animate what is visible
      card.classList.add("reveal");
      observer.observe(card);
    });
  }

  refresh();
})();
