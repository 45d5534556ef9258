// The header's inbox badge: the unread count, kept live by `/inbox/events`
// (Server-Sent Events named `inbox` carrying {"unread": N}). Without the script
// the Inbox link still leads to the list.
const badge = document.querySelector("[data-role=inbox-badge]");
const link = document.querySelector("[data-role=inbox-link]");

function show(unread) {
  if (!badge || !link) return;
  badge.textContent = unread > 0 ? String(unread) : "";
  badge.hidden = unread === 0;
  link.setAttribute("aria-label", unread > 0 ? `Inbox, ${unread} unread` : "Inbox");
  link.dataset.unread = String(unread);
}

if (badge && "EventSource" in window) {
  const stream = new EventSource("/inbox/events");
  stream.addEventListener("inbox", (event) => {
    try {
      show(Number(JSON.parse(event.data).unread) || 0);
    } catch {
      // A malformed event changes nothing.
    }
  });
}
