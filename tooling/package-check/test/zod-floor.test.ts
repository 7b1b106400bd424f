// The zod peer range promises every zod from its floor on. The latest 4.x is what the other tests
// install; here the floor itself, installed as `zod-floor`, takes zod's place.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { expect, inject, it } from "vitest";
import { composeModule, entryPointsModule } from "../src/consumer-files.ts";
import { consumerEnv } from "../src/consumer-project.ts";
import { exportSpecifiers, readManifest } from "../src/published-packages.ts";
import { describeRun } from "../src/run-command.ts";
import { typeCheck } from "../src/type-check.ts";
import { runProtocolZodTests, zodPeer, zodTypesEntry } from "../src/zod-floor.ts";

const { consumerDir, cacheDir, workDir, tarballs, zodFloorDir } = inject("packageCheck");
const { range, floor } = zodPeer();

it(`installs zod ${floor}, the floor of the peer range ${range}`, () => {
  expect(readManifest(zodFloorDir)).toMatchObject({ name: "zod", version: floor });
});

it(`passes the protocol's schema and error tests with zod ${floor}`, async () => {
  const ran = await runProtocolZodTests(zodFloorDir, workDir, consumerEnv(cacheDir, { NO_COLOR: "1" }));
  expect(ran.code, describeRun(ran, 80)).toBe(0);
});

it(`type-checks the packed .d.ts and a consumer's composition with zod ${floor}`, async () => {
  const specifiers = tarballs.flatMap((t) =>
    exportSpecifiers(readManifest(path.join(consumerDir, "node_modules", t.name))),
  );
  writeFileSync(path.join(consumerDir, "floor-entry-points.ts"), entryPointsModule(specifiers));
  writeFileSync(path.join(consumerDir, "floor-compose.ts"), composeModule);
  // `paths` also applies to imports from inside node_modules, so our .d.ts files see the floor too.
  const tsconfig = {
    compilerOptions: { paths: { zod: [`./${path.relative(consumerDir, zodTypesEntry(zodFloorDir))}`] } },
    files: ["floor-entry-points.ts", "floor-compose.ts"],
  };
  writeFileSync(path.join(consumerDir, "tsconfig.zod-floor.json"), JSON.stringify(tsconfig, null, 2));
  const check = await typeCheck(consumerDir, ["--project", "tsconfig.zod-floor.json"]);
  expect(check.ran.code, describeRun(check.ran)).toBe(0);
});
