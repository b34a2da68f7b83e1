// Starts a throw-away PostgreSQL server (Debian's package) for the tests and the benchmarks, runs a
// command with TEST_DATABASE_URL pointing at it, then stops the server and removes its files.
// Usage: node scripts/postgres-server.mjs <command> [args…]
//        node scripts/postgres-server.mjs --serve      (keeps it running; prints the URL)
// Installs the `postgresql` package with apt-get when no server is on the machine and we are root.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

function findBinDir() {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0], "bin") : null;
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

const isRoot = process.getuid?.() === 0;

function ensureInstalled() {
  let bin = findBinDir();
  if (bin) return bin;
  if (!isRoot) {
    throw new Error("PostgreSQL is not installed. Install Debian's package (sudo apt-get install -y postgresql) and run again.");
  }
  console.error("[postgres] installing Debian's postgresql package …");
  run("apt-get", ["update", "-qq"], { stdio: "inherit" });
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  bin = findBinDir();
  if (!bin) throw new Error("apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql.");
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root; as root, the server runs as the `postgres` system user. */
function asServerUser(cmd, args) {
  return isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

export async function startServer() {
  const bin = ensureInstalled();
  const dir = mkdtempSync(path.join(tmpdir(), "sopbot-pg-"));
  const data = path.join(dir, "data");
  if (isRoot) {
    const uid = Number(run("id", ["-u", "postgres"]).trim());
    const gid = Number(run("id", ["-g", "postgres"]).trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  run(...asServerUser(path.join(bin, "initdb"), ["-D", data, "-U", "sopbot", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]));
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300`;
  run(...asServerUser(path.join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "start"]));
  const url = `postgres://sopbot@127.0.0.1:${port}/postgres`;
  const stop = () => {
    spawnSync(...asServerUser(path.join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]), { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop, dir };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.error("Usage: node scripts/postgres-server.mjs <command> [args…] | --serve");
    process.exit(2);
  }
  const server = await startServer();
  let stopped = false;
  const stopOnce = () => {
    if (stopped) return;
    stopped = true;
    server.stop();
  };
  process.on("exit", stopOnce);
  if (args[0] === "--serve") {
    console.log(server.url);
    const onSignal = () => process.exit(0);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    setInterval(() => undefined, 1 << 30);
    return;
  }
  console.error(`[postgres] server at ${server.url}`);
  const child = spawn(args[0], args.slice(1), { stdio: "inherit", env: { ...process.env, TEST_DATABASE_URL: server.url } });
  const forward = (signal) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code, signal) => {
    stopOnce();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
