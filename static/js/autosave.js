// Autosave posts the whole form on every change; the server saves what differs from what the
// page showed. The name of the field that changed tells the server which question to redraw,
// also when its value went back to the saved one (e.g. an error that was corrected).
document.addEventListener("htmx:configRequest", function (event) {
  var trigger = event.detail.triggeringEvent;
  if (trigger && trigger.target && trigger.target.name) {
    event.detail.parameters["changed"] = trigger.target.name;
  }
});
