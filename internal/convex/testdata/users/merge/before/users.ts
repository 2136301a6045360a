import { query } from "./_generated/server";

// How many users have signed up (the app's own function, kept as it is).
export const count = query({
  args: {},
  handler: async (ctx) => (await ctx.db.query("users").collect()).length,
});
