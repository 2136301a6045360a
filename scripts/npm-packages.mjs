#!/usr/bin/env node
// npm-packages.mjs: make the npm packages from goreleaser's dist/ and pack them into dist/npm/.
//
//   node scripts/npm-packages.mjs [dist]
//
// One package per platform (@clerkconvex/<os>-<cpu>, with os/cpu fields and the binary in bin/)
// and the launcher `clerkconvex` (npm/clerkconvex) listing them all as optionalDependencies at
// exactly its own version. The version is goreleaser's (the git tag without its "v", or the
// snapshot version), so every package moves in lock-step with the tag. Output:
//   dist/npm/clerkconvex-<version>.tgz, dist/npm/clerkconvex-<os>-<cpu>-<version>.tgz
// Plain Node, no dependencies.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.resolve(process.argv[2] || path.join(root, "dist"));
const out = path.join(dist, "npm");

const goos = { darwin: "darwin", linux: "linux", windows: "win32" };
const goarch = { amd64: "x64", arm64: "arm64" };

function readJSON(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    console.error(`npm-packages: cannot read ${file}: ${err.message} (run goreleaser first: scripts/release-snapshot.sh)`);
    process.exit(1);
  }
}

const meta = readJSON(path.join(dist, "metadata.json"));
const version = meta.version;
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(version)) {
  console.error(`npm-packages: goreleaser's version ${JSON.stringify(version)} is not a semver version npm accepts`);
  process.exit(1);
}
const binaries = readJSON(path.join(dist, "artifacts.json")).filter((a) => a.type === "Binary");

fs.rmSync(out, { recursive: true, force: true });
const staging = path.join(out, "src");
fs.mkdirSync(staging, { recursive: true });

const launcherSrc = readJSON(path.join(root, "npm", "clerkconvex", "package.json"));
const common = {
  version,
  homepage: launcherSrc.homepage,
  bugs: launcherSrc.bugs,
  repository: launcherSrc.repository,
  license: launcherSrc.license,
};

const platforms = [];
for (const b of binaries) {
  const os = goos[b.goos];
  const cpu = goarch[b.goarch];
  if (!os || !cpu) {
    console.error(`npm-packages: no npm platform for ${b.goos}/${b.goarch} (${b.path})`);
    process.exit(1);
  }
  const platform = `${os}-${cpu}`;
  if (platforms.includes(platform)) {
    console.error(`npm-packages: two binaries for ${platform} in artifacts.json`);
    process.exit(1);
  }
  platforms.push(platform);
  const dir = path.join(staging, platform);
  const exe = os === "win32" ? "clerkconvex.exe" : "clerkconvex";
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.copyFileSync(path.resolve(root, b.path), path.join(dir, "bin", exe));
  fs.chmodSync(path.join(dir, "bin", exe), 0o755);
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(dir, "LICENSE"));
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# @clerkconvex/${platform}\n\nThe clerkconvex binary for ${platform}. Install \`clerkconvex\` instead: it picks this package on ${platform}.\n`,
  );
  const manifest = {
    name: `@clerkconvex/${platform}`,
    description: `The clerkconvex binary for ${platform}`,
    ...common,
    os: [os],
    cpu: [cpu],
    files: [`bin/${exe}`],
    preferUnplugged: true,
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
}
platforms.sort();

const launcher = path.join(staging, "clerkconvex");
fs.cpSync(path.join(root, "npm", "clerkconvex"), launcher, { recursive: true });
fs.copyFileSync(path.join(root, "LICENSE"), path.join(launcher, "LICENSE"));
fs.copyFileSync(path.join(root, "README.md"), path.join(launcher, "README.md"));
const manifest = { ...launcherSrc, version, optionalDependencies: {} };
for (const p of platforms) manifest.optionalDependencies[`@clerkconvex/${p}`] = version;
fs.writeFileSync(path.join(launcher, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

for (const dir of [...platforms.map((p) => path.join(staging, p)), launcher]) {
  execFileSync("npm", ["pack", "--silent", "--pack-destination", out, dir], { stdio: ["ignore", "ignore", "inherit"] });
}
fs.rmSync(staging, { recursive: true, force: true });
for (const f of fs.readdirSync(out).sort()) console.log(path.join(out, f));
