// npm test: the proof that the files `clerkconvex users init` writes (convex/, kept equal to
// its output by Go's TestUsersGolden) work, with the real tools:
//  1. convex/_generated from the real CLI, offline, which also type-checks convex/ with tsc
//     (svix 2.x types);
//  2. tsc again with "svix" mapped to svix 1.x's types;
//  3. the behaviour under convex-test + vitest (edge-runtime), with svix 2.x and with 1.x.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

function run(name, cmd, args, env = {}, quiet = false) {
  console.log(`== ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, CI: "1", ...env },
    encoding: "utf8",
  });
  if (!quiet) process.stdout.write(r.stdout ?? "");
  if (r.status !== 0) {
    console.error(`${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r.stdout ?? "";
}

const bin = (name) => new URL(`./node_modules/.bin/${name}`, import.meta.url).pathname;
process.chdir(new URL(".", import.meta.url).pathname);
rmSync("convex/_generated", { recursive: true, force: true });
run("codegen + tsc (svix 2.x)", bin("convex"), ["codegen", "--system-udfs", "--init", "--typecheck", "enable"]);
const files = run("tsc (svix 1.x) resolution", bin("tsc"), ["--noEmit", "--listFilesOnly", "-p", "tsconfig.svix1.json"], {}, true);
if (!/node_modules\/svix1\//.test(files) || /node_modules\/svix\//.test(files)) {
  console.error("tsc (svix 1.x) did not resolve svix to svix1's types");
  process.exit(1);
}
run("tsc (svix 1.x)", bin("tsc"), ["--noEmit", "-p", "tsconfig.svix1.json"]);
run("vitest (svix 2.x)", bin("vitest"), ["run"], { SVIX: "2" });
run("vitest (svix 1.x)", bin("vitest"), ["run"], { SVIX: "1" });
