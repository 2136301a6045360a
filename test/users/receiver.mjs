// A stand-in for the deployed webhook route, for Go's `users test` tests: it verifies each
// POST /clerk-users-webhook with the real svix library (SVIX=1: svix 1.x, else 2.x) and the
// secret in CLERK_WEBHOOK_SECRET, answers 200 or 400 (404 elsewhere), and logs one JSON line
// per request on stderr. It prints "listening <port>" on stdout once ready.
import { createServer } from "node:http";

const { Webhook } = await import(process.env.SVIX === "1" ? "svix1" : "svix");
const wh = new Webhook(process.env.CLERK_WEBHOOK_SECRET);

const server = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/clerk-users-webhook") {
      res.writeHead(404).end("No matching routes found");
      return;
    }
    let status = 200;
    let type = "";
    try {
      wh.verify(body, {
        "svix-id": req.headers["svix-id"] ?? "",
        "svix-timestamp": req.headers["svix-timestamp"] ?? "",
        "svix-signature": req.headers["svix-signature"] ?? "",
      });
      type = JSON.parse(body).type;
    } catch (e) {
      status = 400;
      type = String(e?.message ?? e);
    }
    console.error(JSON.stringify({ status, type }));
    res.writeHead(status).end(status === 200 ? "" : "invalid signature");
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
