// Autosave posts the whole form on every change; the server saves what differs from what the
// page showed. The name of the field that changed tells the server which question to redraw,
// also when its value went back to the saved one (e.g. an error that was corrected).
document.addEventListener("htmx:configRequest", function (event) {
  var trigger = event.detail.triggeringEvent;
  if (trigger && trigger.target && trigger.target.name) {
    event.detail.parameters["changed"] = trigger.target.name;
  }
  var token = currentCsrfToken();
  if (token) {
    event.detail.parameters["csrfmiddlewaretoken"] = token;
  }
});

// Logging in again (in another tab, after the session ran out) renews the CSRF token: saves and the
// Save button send the cookie's current token rather than the one the page was drawn with, so the
// page's answers are not lost with the old session.
function currentCsrfToken() {
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}
document.addEventListener("submit", function (event) {
  var input = event.target.querySelector("input[name=csrfmiddlewaretoken]");
  var token = currentCsrfToken();
  if (input && token) {
    input.value = token;
  }
});

// A save the server refused (for example by CSRF protection, the page no longer valid) or that never arrived
// must not look saved: say so where the page reports saves.
function reportStatus(event, key) {
  var form = event.detail.elt.closest("form[data-not-saved]");
  var status = document.getElementById("save-status");
  if (form && status) {
    status.textContent = form.dataset[key];
  }
}
document.addEventListener("htmx:responseError", function (event) { reportStatus(event, "notSaved"); });
document.addEventListener("htmx:sendError", function (event) { reportStatus(event, "notSaved"); });

// A save sent after the session ran out is redirected to the login page: nothing was saved.
document.addEventListener("htmx:afterRequest", function (event) {
  var xhr = event.detail.xhr;
  if (!event.detail.successful || !xhr || !xhr.responseURL) {
    return;
  }
  var asked = new URL(event.detail.requestConfig.path, window.location.href).pathname;
  if (new URL(xhr.responseURL).pathname !== asked) {
    reportStatus(event, "loggedOut");
  }
});
