// The app's data model.
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  // Chat messages.
  messages: defineTable({
    author: v.string(),
    body: v.string(),
  }).index("byAuthor", ["author"]) // newest last
});
