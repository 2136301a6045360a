// The app's data model.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // Chat messages.
  messages: defineTable({
    author: v.string(),
    body: v.string(),
  }).index("byAuthor", ["author"]), // newest last
  // Clerk's users, kept in step by the webhook in convex/http.ts.
  users: defineTable({
    name: v.string(),
    // Clerk's user ID: the subject of the user's Convex auth token.
    externalId: v.string(),
  }).index("byExternalId", ["externalId"]),
});
