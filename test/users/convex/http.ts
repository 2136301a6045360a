import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";
import { Webhook } from "svix";
import { internal } from "./_generated/api";

const http = httpRouter();

// Uptime checks.
http.route({
  path: "/health",
  method: "GET",
  handler: httpAction(async () => new Response("ok")),
});

// Clerk's user webhook (user.created, user.updated, user.deleted), delivered by Svix.
// Endpoint: https://<deployment>.convex.site/clerk-users-webhook
http.route({
  path: "/clerk-users-webhook",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const event = await verifyClerkWebhook(request);
    if (event === null) {
      return new Response("Webhook signature is missing or invalid", { status: 400 });
    }
    switch (event.type) {
      case "user.created":
      case "user.updated":
        await ctx.runMutation(internal.users.upsertFromClerk, { data: event.data });
        break;
      case "user.deleted":
        if (typeof event.data.id === "string") {
          await ctx.runMutation(internal.users.deleteFromClerk, { clerkUserId: event.data.id });
        }
        break;
      default:
        // Other event types are not handled here.
        break;
    }
    return new Response(null, { status: 200 });
  }),
});

export default http;

// The part of a Clerk webhook event this file reads.
interface ClerkWebhookEvent {
  type: string;
  data: { id?: unknown } & Record<string, unknown>;
}

// verifyClerkWebhook checks the Svix signature (svix-id, svix-timestamp, svix-signature) with
// the endpoint's signing secret and returns the event, or null when the check fails.
// svix 1.x returns the payload from verify() and svix 2.x returns nothing, so the body is
// parsed here after verify() has accepted it.
async function verifyClerkWebhook(request: Request): Promise<ClerkWebhookEvent | null> {
  const secret = process.env.CLERK_WEBHOOK_SECRET;
  if (!secret) {
    console.error("CLERK_WEBHOOK_SECRET is not set on this deployment: run npx convex env set CLERK_WEBHOOK_SECRET");
    return null;
  }
  const payload = await request.text();
  try {
    new Webhook(secret).verify(payload, {
      "svix-id": request.headers.get("svix-id") ?? "",
      "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
      "svix-signature": request.headers.get("svix-signature") ?? "",
    });
  } catch (error) {
    console.error("Clerk webhook rejected:", error instanceof Error ? error.message : error);
    return null;
  }
  try {
    const event: unknown = JSON.parse(payload);
    if (typeof event === "object" && event !== null && "type" in event && "data" in event &&
      typeof event.type === "string" && typeof event.data === "object" && event.data !== null) {
      return event as ClerkWebhookEvent;
    }
  } catch {
    // Not JSON: rejected below.
  }
  console.error("Clerk webhook rejected: the body is not a Clerk event");
  return null;
}
