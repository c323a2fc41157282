// The sign-in page: returns to the page that sent the browser here, and says when a token was refused.
"use strict";

const query = new URLSearchParams(location.search);
document.querySelector("#sign-in input[name=next]").value = query.get("next") || "/";
document.getElementById("refused").hidden = !query.has("refused");
