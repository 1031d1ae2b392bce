"use strict";
// Served as its own file: the page's Content-Security-Policy allows no inline script or style.
// Anything the policy blocks is recorded here (the tests read it; a browser also logs it in its console).
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});

const $ = (id) => document.getElementById(id);
let ws = null;
let me = null;
let maxBytes = 4096;
// The member list, kept from the server's events: the full list once ("members"), then "join"/"leave" deltas.
// Connection ids are unique and never come back, so (list ∪ joins) − leaves by id is right in any order, and a
// repeated event changes nothing.
let members = new Map(); // id -> name
let gone = new Set(); // ids that left

$("name").value = "guest-" + Math.floor(Math.random() * 1000);

function show(from, text, mine) {
  const li = document.createElement("li");
  if (mine) li.className = "mine";
  const who = document.createElement("span");
  who.className = "from";
  who.textContent = from;
  li.append(who, document.createTextNode(text));
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
}

function notice(text) {
  const li = document.createElement("li");
  li.className = "notice";
  li.textContent = text;
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
}

function renderMembers() {
  const sorted = [...members.entries()].sort((a, b) => a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  $("members").replaceChildren(...sorted.map(([, name]) => {
    const li = document.createElement("li");
    li.textContent = name;
    return li;
  }));
  $("count").textContent = members.size;
}

function add(id, name) {
  if (!gone.has(id)) members.set(id, name);
}

function join() {
  if (ws) ws.close(1000, "switching rooms");
  members = new Map();
  gone = new Set();
  renderMembers();
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const params = new URLSearchParams({ room: $("room").value, name: $("name").value });
  const socket = new WebSocket(`${scheme}://${location.host}/chat?${params}`);
  ws = socket;
  $("status").textContent = "connecting…";
  socket.onopen = () => {
    if (socket !== ws) return;
    $("status").textContent = "connected";
    $("text").disabled = $("send").disabled = false;
    $("text").focus();
  };
  socket.onmessage = (event) => {
    if (socket !== ws) return; // a late event of the room we left
    const e = JSON.parse(event.data);
    if (e.type === "welcome") {
      me = e.name;
      maxBytes = e.maxBytes || maxBytes;
      $("status").textContent = `in #${e.room} as ${e.name}`;
    } else if (e.type === "members") {
      e.members.forEach((m) => add(m.id, m.name));
      renderMembers();
    } else if (e.type === "join") {
      add(e.id, e.name);
      renderMembers();
    } else if (e.type === "leave") {
      gone.add(e.id);
      members.delete(e.id);
      renderMembers();
    } else if (e.type === "message") {
      show(e.from, e.text, e.from === me);
    }
  };
  socket.onclose = (event) => {
    if (socket !== ws) return;
    $("status").textContent = `closed (${event.code}${event.reason ? ": " + event.reason : ""})`;
    $("text").disabled = $("send").disabled = true;
  };
}

function send() {
  const text = $("text").value;
  if (!text || !ws || ws.readyState !== WebSocket.OPEN) return;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maxBytes) { // the server would close the connection (1009)
    notice(`not sent: ${bytes} bytes, the chat takes at most ${maxBytes}`);
    return;
  }
  ws.send(text);
  $("text").value = "";
}

$("join").onclick = join;
$("send").onclick = send;
$("text").addEventListener("keydown", (e) => { if (e.key === "Enter") send(); });
if (new URLSearchParams(location.search).has("autojoin")) {
  const q = new URLSearchParams(location.search);
  if (q.get("name")) $("name").value = q.get("name");
  if (q.get("room")) $("room").value = q.get("room");
  join();
}
