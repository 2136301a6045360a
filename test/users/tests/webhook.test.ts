/// <reference types="vite/client" />
// The webhook route, users.ts and the schema that `clerkconvex users init` writes, run by
// convex-test, with events signed by the real svix library: svix 2.x, or 1.x under SVIX=1
// (vitest.config.ts maps "svix" to it for convex/http.ts and for this file alike).
import { convexTest } from "convex-test";
import { Webhook } from "svix";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api";
import schema from "../convex/schema";
import { getCurrentUserOrThrow } from "../convex/users";

const modules = import.meta.glob("../convex/**/*.*s");
const secret = "whsec_" + btoa("clerkconvex users: a test signing key");
const otherSecret = "whsec_" + btoa("another endpoint's signing key...");

type Event = { type: string; data: Record<string, unknown>; object?: string };

function userJSON(id: string, first: string | null, last: string | null, extra: Record<string, unknown> = {}) {
  return { id, object: "user", first_name: first, last_name: last, username: null, email_addresses: [], ...extra };
}

let seq = 0;
// signed returns the request Svix would send for event, signed with key at time at.
function signed(event: Event, key = secret, at = new Date()) {
  const body = JSON.stringify({ object: "event", ...event });
  const id = `msg_test${++seq}`;
  const headers = {
    "svix-id": id,
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(key).sign(id, at, body),
    "content-type": "application/json",
  };
  return { body, headers };
}

function post(t: ReturnType<typeof convexTest>, req: { body: string; headers: Record<string, string> }) {
  return t.fetch("/clerk-users-webhook", { method: "POST", body: req.body, headers: req.headers });
}

async function rows(t: ReturnType<typeof convexTest>) {
  return await t.run(async (ctx) => await ctx.db.query("users").collect());
}

beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SECRET", secret);
  vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

test(`the svix under test is ${process.env.SVIX === "1" ? "1.x" : "2.x"}`, () => {
  const req = signed({ type: "user.created", data: userJSON("user_v", "A", "B") });
  const out = new Webhook(secret).verify(req.body, req.headers);
  // svix 1.x returns the parsed payload; 2.x returns nothing (the reason http.ts parses).
  if (process.env.SVIX === "1") {
    expect(out).toMatchObject({ type: "user.created" });
  } else {
    expect(out).toBeUndefined();
  }
});

describe("clerk-users-webhook", () => {
  test("created, updated, deleted", async () => {
    const t = convexTest(schema, modules);
    let res = await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }));
    expect(res.status).toBe(200);
    expect(await rows(t)).toMatchObject([{ name: "Ada Lovelace", externalId: "user_1" }]);

    res = await post(t, signed({ type: "user.updated", data: userJSON("user_1", "Ada", "King") }));
    expect(res.status).toBe(200);
    expect(await rows(t)).toMatchObject([{ name: "Ada King", externalId: "user_1" }]);

    res = await post(t, signed({ type: "user.deleted", data: { id: "user_1", object: "user", deleted: true } }));
    expect(res.status).toBe(200);
    expect(await rows(t)).toEqual([]);
  });

  test("names: username, then the primary email address", async () => {
    const t = convexTest(schema, modules);
    await post(t, signed({ type: "user.created", data: userJSON("user_u", null, null, { username: "ada" }) }));
    await post(t, signed({
      type: "user.created",
      data: userJSON("user_e", null, null, {
        primary_email_address_id: "idn_2",
        email_addresses: [{ id: "idn_1", email_address: "old@example.com" }, { id: "idn_2", email_address: "ada@example.com" }],
      }),
    }));
    const names = Object.fromEntries((await rows(t)).map((r) => [r.externalId, r.name]));
    expect(names).toEqual({ user_u: "ada", user_e: "ada@example.com" });
  });

  test("a bad, tampered, stale or missing signature is refused and changes nothing", async () => {
    const t = convexTest(schema, modules);
    expect((await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }))).status).toBe(200);
    const before = await rows(t);
    const update = { type: "user.updated", data: userJSON("user_1", "Mallory", "X") };

    const wrongKey = signed(update, otherSecret);
    const tampered = signed({ type: "user.updated", data: userJSON("user_1", "Ada", "Lovelace") });
    tampered.body = tampered.body.replace("Lovelace", "Mallory");
    const stale = signed(update, secret, new Date(Date.now() - 10 * 60 * 1000));
    const unsigned = signed(update);
    delete (unsigned.headers as Record<string, string>)["svix-signature"];
    const deletion = signed({ type: "user.deleted", data: { id: "user_1", deleted: true } });
    deletion.headers["svix-signature"] = "v1,bm90IHRoZSBzaWduYXR1cmU=";

    for (const [name, req] of Object.entries({ wrongKey, tampered, stale, unsigned, deletion })) {
      const res = await post(t, req);
      expect(res.status, name).toBe(400);
      expect(await rows(t), name).toEqual(before);
    }
  });

  test("without CLERK_WEBHOOK_SECRET on the deployment every event is refused", async () => {
    const t = convexTest(schema, modules);
    vi.stubEnv("CLERK_WEBHOOK_SECRET", "");
    const res = await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }));
    expect(res.status).toBe(400);
    expect(await rows(t)).toEqual([]);
  });

  test("other event types are answered 200 and ignored", async () => {
    const t = convexTest(schema, modules);
    const res = await post(t, signed({ type: "session.created", data: { id: "sess_1", user_id: "user_1" } }));
    expect(res.status).toBe(200);
    expect(await rows(t)).toEqual([]);
  });

  test("a signed body that is not a Clerk event is refused", async () => {
    const t = convexTest(schema, modules);
    const body = "[1, 2, 3]";
    const at = new Date();
    const headers = { "svix-id": "msg_x", "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": new Webhook(secret).sign("msg_x", at, body) };
    const res = await t.fetch("/clerk-users-webhook", { method: "POST", body, headers });
    expect(res.status).toBe(400);
  });
});

describe("users.ts", () => {
  test("current: the signed-in user's row, null when signed out or unknown", async () => {
    const t = convexTest(schema, modules);
    await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }));
    const ada = t.withIdentity({ subject: "user_1", issuer: "https://example.clerk.accounts.dev" });
    expect(await ada.query(api.users.current, {})).toMatchObject({ name: "Ada Lovelace", externalId: "user_1" });
    expect(await t.query(api.users.current, {})).toBeNull();
    expect(await t.withIdentity({ subject: "user_2" }).query(api.users.current, {})).toBeNull();
  });

  test("getCurrentUserOrThrow", async () => {
    const t = convexTest(schema, modules);
    await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }));
    const row = await t.withIdentity({ subject: "user_1" }).run((ctx) => getCurrentUserOrThrow(ctx));
    expect(row.externalId).toBe("user_1");
    await expect(t.withIdentity({ subject: "user_2" }).run((ctx) => getCurrentUserOrThrow(ctx))).rejects.toThrow(/No user row/);
  });
});

describe("what the project had before users init", () => {
  test("its route and its query still work", async () => {
    const t = convexTest(schema, modules);
    const res = await t.fetch("/health", { method: "GET" });
    expect(await res.text()).toBe("ok");
    await post(t, signed({ type: "user.created", data: userJSON("user_1", "Ada", "Lovelace") }));
    expect(await t.query(api.users.count, {})).toBe(1);
  });
});
