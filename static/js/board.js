// The board: drag and drop with SortableJS, posting to the same move URL as the
// «Flytt til fase» form on every card. Server answers drive the DOM (htmx out-of-band
// swaps); this file only starts drags, opens the checklist dialog and puts a card back
// when a move is cancelled.
(function () {
  "use strict";
  var pending = null; // {card, from, index, id} of a dragged card awaiting the server
  var lastMoved = null;

  function setUp(root) {
    if (!window.Sortable || !root.querySelector) { return; }
    root.querySelectorAll("[data-board-movable] .board-column__cards").forEach(function (list) {
      if (list.dataset.sortable) { return; }
      list.dataset.sortable = "1";
      window.Sortable.create(list, {
        group: "board",
        animation: 150,
        draggable: ".board-card",
        filter: "select, button, input, a",
        preventOnFilter: false,
        onEnd: function (evt) {
          if (evt.from === evt.to) { return; }
          var card = evt.item;
          pending = { card: card, from: evt.from, index: evt.oldIndex, id: card.id };
          lastMoved = card.id;
          window.htmx.ajax("POST", card.dataset.moveUrl, {
            source: card,
            swap: "none",
            values: { fase: evt.to.dataset.phase, versjon: card.dataset.version }
          });
        }
      });
    });
  }

  function revert() {
    if (!pending) { return; }
    var p = pending;
    pending = null;
    if (!document.body.contains(p.card)) { return; }
    var ref = p.from.children[p.index] || null;
    p.from.insertBefore(p.card, ref);
    p.card.focus();
  }

  function openDialog() {
    var dialog = document.querySelector("#dialog-slot dialog[data-checklist-dialog]");
    if (!dialog || dialog.open) { return; }
    dialog.addEventListener("cancel", function () { revert(); });
    dialog.querySelectorAll("[data-dialog-cancel]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
        dialog.remove();
        revert();
      });
    });
    dialog.showModal();
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    setUp(document);
    openDialog();
    if (lastMoved) {
      var card = document.getElementById(lastMoved);
      if (card && !document.querySelector("#dialog-slot dialog")) {
        card.focus();
        lastMoved = null;
        pending = null;
      }
    }
  });
  document.body.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("move-form")) {
      var card = form.closest(".board-card");
      if (card) { lastMoved = card.id; }
    }
  }, true);
  document.body.addEventListener("htmx:responseError", function () { revert(); });
})();
