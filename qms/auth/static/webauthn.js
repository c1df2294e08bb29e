// Passkeys and security keys (WebAuthn): asks the server for options, lets the browser talk to the key, and
// puts the key's answer in the form's hidden field before submitting it. No inline script (CSP).
(function () {
  "use strict";

  function b64urlToBuf(value) {
    var s = value.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }

  function bufToB64url(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) { bin += String.fromCharCode(bytes[i]); }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(o) {
    o.challenge = b64urlToBuf(o.challenge);
    o.user.id = b64urlToBuf(o.user.id);
    (o.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    return { publicKey: o };
  }

  function requestOptions(o) {
    o.challenge = b64urlToBuf(o.challenge);
    (o.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
    return { publicKey: o };
  }

  function answer(cred) {
    var r = cred.response, out = { id: cred.id, rawId: bufToB64url(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: bufToB64url(r.clientDataJSON) } };
    if (r.attestationObject) {
      out.response.attestationObject = bufToB64url(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = bufToB64url(r.authenticatorData);
      out.response.signature = bufToB64url(r.signature);
      out.response.userHandle = r.userHandle ? bufToB64url(r.userHandle) : null;
    }
    return JSON.stringify(out);
  }

  function start(button) {
    var form = button.form, error = document.getElementById(button.getAttribute("data-error-target"));
    var csrf = form.querySelector("input[name$=csrf_token]");
    if (!window.PublicKeyCredential) {
      if (error) { error.hidden = false; }
      return;
    }
    var body = new URLSearchParams();
    if (csrf) { body.append("csrf_token", csrf.value); }
    fetch(button.getAttribute("data-options-url"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (res) { if (!res.ok) { throw new Error("options"); } return res.json(); })
      .then(function (options) {
        var create = button.getAttribute("data-webauthn") === "register";
        return create ? navigator.credentials.create(creationOptions(options))
                      : navigator.credentials.get(requestOptions(options));
      })
      .then(function (cred) {
        form.querySelector("input[data-passkey-answer]").value = answer(cred);
        form.submit();
      })
      .catch(function () { if (error) { error.hidden = false; } });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-webauthn]");
    if (!button) { return; }
    event.preventDefault();
    if (button.form && button.form.reportValidity && !button.form.reportValidity()) { return; }
    start(button);
  });
})();
