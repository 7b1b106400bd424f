// Once per run: pack the published packages (their prepack builds them), install the tarballs into a
// fresh npm project with what a consumer adds from the registry, and start a sandbox gateway for the
// README blocks that call the API. The gateway starts while npm installs, to save wall time.
// Everything lives in one temporary directory, removed at the end (PACKAGE_CHECK_KEEP=1 keeps it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type DevGateway, startDevGateway } from "@lisoloo/dev-gateway";
import type { TestProject } from "vitest/node";
import { consumerRegistryPackages, createConsumerProject } from "../src/consumer-project.ts";
import { packPublishedPackages, type Tarball } from "../src/pack.ts";
import { ZOD_FLOOR_ALIAS, zodFloorInstallSpec } from "../src/zod-floor.ts";

declare module "vitest" {
  export interface ProvidedContext {
    packageCheck: {
      workDir: string;
      /** The consumer npm project, with the tarballs installed. */
      consumerDir: string;
      /** Its npm cache, fresh for this run. */
      cacheDir: string;
      tarballs: Tarball[];
      /** The lowest zod of the protocol's peer range, installed at node_modules/zod-floor. */
      zodFloorDir: string;
      gateway: { baseUrl: string; apiKey: string };
    };
  }
}

const logFile = path.resolve(import.meta.dirname, "../test-results/gateway.log");

export default async function setup(project: TestProject) {
  const workDir = mkdtempSync(path.join(tmpdir(), "lisoloo-package-check-"));
  const consumerDir = path.join(workDir, "consumer");
  const cacheDir = path.join(workDir, "npm-cache");
  let gateway: DevGateway | undefined;
  const cleanUp = async () => {
    await gateway?.stop();
    if (process.env.PACKAGE_CHECK_KEEP === "1") console.log(`package-check kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };
  let tarballs: Tarball[];
  let started: DevGateway;
  try {
    // Packing rebuilds dist/ (prepack); the gateway bundles the protocol from there, so it starts after.
    tarballs = await packPublishedPackages(path.join(workDir, "tarballs"));
    const [start, install] = await Promise.allSettled([
      startDevGateway({ logFile }),
      createConsumerProject(
        consumerDir,
        tarballs,
        [...consumerRegistryPackages, zodFloorInstallSpec()],
        cacheDir,
      ),
    ]);
    if (start.status === "fulfilled") gateway = start.value;
    if (start.status === "rejected") throw start.reason;
    if (install.status === "rejected") throw install.reason;
    started = start.value;
  } catch (error) {
    await cleanUp();
    throw error;
  }
  project.provide("packageCheck", {
    workDir,
    consumerDir,
    cacheDir,
    tarballs,
    zodFloorDir: path.join(consumerDir, "node_modules", ZOD_FLOOR_ALIAS),
    gateway: { baseUrl: started.baseUrl, apiKey: started.apiKey },
  });
  return cleanUp;
}
