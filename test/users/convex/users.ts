import { query, internalMutation, type QueryCtx } from "./_generated/server";
import { v } from "convex/values";

// How many users have signed up (the app's own function, kept as it is).
export const count = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("users").collect()).length,
});

// The signed-in user's row, or null when signed out or not synced yet.
export const current = query({
  args: {},
  handler: async (ctx) => {
    return await getCurrentUser(ctx);
  },
});

// Called by the Clerk webhook (convex/http.ts) for user.created and user.updated.
// data is Clerk's UserJSON; the webhook has checked its signature.
export const upsertFromClerk = internalMutation({
  args: { data: v.any() },
  handler: async (ctx, { data }) => {
    const clerkUser = data as ClerkUser;
    const fields = { name: clerkUserName(clerkUser), externalId: clerkUser.id };
    const user = await userByExternalId(ctx, clerkUser.id);
    if (user === null) {
      await ctx.db.insert("users", fields);
    } else {
      await ctx.db.patch(user._id, fields);
    }
  },
});

// Called by the Clerk webhook (convex/http.ts) for user.deleted.
export const deleteFromClerk = internalMutation({
  args: { clerkUserId: v.string() },
  handler: async (ctx, { clerkUserId }) => {
    const user = await userByExternalId(ctx, clerkUserId);
    if (user !== null) {
      await ctx.db.delete(user._id);
    }
  },
});

// The signed-in user's row; throws when signed out or not synced yet.
export async function getCurrentUserOrThrow(ctx: QueryCtx) {
  const user = await getCurrentUser(ctx);
  if (user === null) {
    throw new Error("No user row for the signed-in user (signed out, or the Clerk webhook has not delivered yet)");
  }
  return user;
}

// The signed-in user's row, looked up by the token's subject (Clerk's user ID), or null.
export async function getCurrentUser(ctx: QueryCtx) {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    return null;
  }
  return await userByExternalId(ctx, identity.subject);
}

async function userByExternalId(ctx: QueryCtx, externalId: string) {
  return await ctx.db
    .query("users")
    .withIndex("byExternalId", (q) => q.eq("externalId", externalId))
    .unique();
}

// The fields of Clerk's UserJSON read here.
interface ClerkUser {
  id: string;
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  primary_email_address_id?: string | null;
  email_addresses?: { id: string; email_address: string }[];
}

// A display name: first and last name, else the username, else the primary email address.
function clerkUserName(user: ClerkUser): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(" ");
  if (full !== "") {
    return full;
  }
  if (user.username) {
    return user.username;
  }
  const emails = user.email_addresses ?? [];
  const primary = emails.find((e) => e.id === user.primary_email_address_id) ?? emails[0];
  return primary?.email_address ?? "";
}
