// The helpline's proof of work (the ALTCHA protocol, version 1), solved in the background
// with no interaction: find the number n with SHA-256(salt + n) equal to the challenge.
// The form never waits for it, and a report sent without it (no JavaScript, or sent
// before it finished) is treated exactly like any other.
const form = document.querySelector("[data-helpline-work]");
const field = form ? form.querySelector('input[name="altcha"]') : null;

const hex = (buffer) =>
  Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, "0")).join("");

async function solve(challenge) {
  const encoder = new TextEncoder();
  const batch = 500;
  for (let start = 0; start <= challenge.maxNumber; start += batch) {
    const numbers = [];
    for (let number = start; number < start + batch && number <= challenge.maxNumber; number += 1) {
      numbers.push(number);
    }
    const digests = await Promise.all(
      numbers.map((number) =>
        crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + number)),
      ),
    );
    const found = digests.findIndex((digest) => hex(digest) === challenge.challenge);
    if (found >= 0) {
      return numbers[found];
    }
  }
  return null;
}

if (field && window.crypto && window.crypto.subtle) {
  const challenge = JSON.parse(form.dataset.helplineWork);
  solve(challenge).then((number) => {
    if (number !== null) {
      field.value = btoa(
        JSON.stringify({
          algorithm: challenge.algorithm,
          challenge: challenge.challenge,
          number,
          salt: challenge.salt,
          signature: challenge.signature,
        }),
      );
    }
  });
}
