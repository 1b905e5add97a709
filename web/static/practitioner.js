/* The practitioner pages' one shortcut: "d" (outside a text field) goes to the decision form of a case page.
   The "Go to the decision form" link does the same without scripts. */
document.addEventListener("keydown", function (event) {
  if (event.key !== "d" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  var target = event.target;
  var typing = target && (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
    (target.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset)$/.test(target.type)));
  var heading = document.getElementById("decide");
  if (typing || !heading) return;
  event.preventDefault();
  heading.scrollIntoView({block: "start"});
  heading.focus();
});
