// Confirmation before destructive actions: any form or button with data-confirm asks first.
document.addEventListener("submit", function (event) {
  const message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
}, true);

// A select marked data-autosubmit submits its form on change (page size of lists).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) { event.target.form.requestSubmit(); }
});

// Type-ahead pickers (core/pickers.py): choosing a suggestion puts its value into the input; Escape or a click
// elsewhere closes the list.
function closePickers(except) {
  document.querySelectorAll(".picker-results").forEach(function (list) {
    if (list !== except) { list.innerHTML = ""; }
  });
}
document.addEventListener("click", function (event) {
  const option = event.target.closest("[data-pick]");
  if (option) {
    const picker = option.closest(".picker");
    const input = picker.querySelector("input");
    input.value = option.getAttribute("data-pick");
    picker.querySelector(".picker-description").textContent = option.getAttribute("data-pick-description");
    input.dispatchEvent(new Event("change", { bubbles: true }));
    closePickers(null);
    return;
  }
  if (!event.target.closest(".picker")) { closePickers(null); }
});
document.addEventListener("keydown", function (event) {
  if (event.key === "Escape") { closePickers(null); }
});
