/* Progressive enhancement only: everything works without this file.
   - Follow-up questions show and hide in place as the answer above changes, announced to screen readers.
   - "None of these" unticks the other boxes of its group, and they untick it.
   - "Print this page" buttons appear and print. */
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function ready(fn) {
    if (document.readyState !== 'loading') { fn(); } else { document.addEventListener('DOMContentLoaded', fn); }
  }

  function chosen(form, name) {
    var inputs = form.elements.namedItem(name);
    if (!inputs) { return ''; }
    if (inputs.value !== undefined && !inputs.length) { return inputs.checked ? inputs.value : ''; }
    for (var i = 0; i < inputs.length; i++) { if (inputs[i].checked) { return inputs[i].value; } }
    return '';
  }

  function questionText(block) {
    var label = block.querySelector('.question legend, .question label');
    return label ? label.textContent.replace(/\s+/g, ' ').trim() : '';
  }

  ready(function () {
    var blocks = Array.prototype.slice.call(document.querySelectorAll('[data-parent]'));
    var announcer = document.getElementById('announcer');

    function update(announce) {
      var said = [];
      blocks.forEach(function (block) {
        var form = block.closest('form');
        var wanted = (block.getAttribute('data-values') || '').split(' ');
        var show = wanted.indexOf(chosen(form, block.getAttribute('data-parent'))) !== -1;
        var wasShown = !block.classList.contains('is-hidden');
        block.classList.toggle('is-hidden', !show);
        if (announce && show !== wasShown) {
          said.push((show ? 'New question below: ' : 'Question removed: ') + questionText(block));
        }
      });
      if (announcer && said.length) { announcer.textContent = said.join('. '); }
    }

    document.addEventListener('change', function (event) {
      if (event.target && event.target.type === 'radio') { update(true); }
      // "None of these" and the other boxes of a group exclude each other (the server refuses both anyway).
      var box = event.target;
      var group = box && box.type === 'checkbox' && box.checked ? box.closest('[data-group]') : null;
      if (group) {
        Array.prototype.forEach.call(group.querySelectorAll('input[type=checkbox]'), function (other) {
          if (other !== box && (box.hasAttribute('data-exclusive') || other.hasAttribute('data-exclusive'))) {
            other.checked = false;
          }
        });
      }
    });
    update(false);

    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.print(); });
    });
  });
}());
