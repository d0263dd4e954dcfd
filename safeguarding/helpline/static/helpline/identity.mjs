// Hides the name and contact fields while "Anonymous" is chosen (and until a choice is
// made), so that nobody types their name by mistake. Without JavaScript they stay visible;
// an anonymous report never keeps them either way.
const form = document.querySelector("[data-helpline-identity]");
const fields = form ? form.querySelector("[data-identity-fields]") : null;

function update() {
  const chosen = form.querySelector('input[name="known_as"]:checked');
  fields.hidden = !chosen || chosen.value === "anonymous";
}

if (form && fields) {
  form.addEventListener("change", update);
  update();
}
