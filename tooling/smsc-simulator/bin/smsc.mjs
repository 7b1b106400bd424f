#!/usr/bin/env node
// lisoloo-smsc: a scriptable SMPP 3.4 SMSC on 127.0.0.1. `lisoloo-smsc --help` lists the options.
import { run } from "../src/cli.mjs";

const { code, smsc } = await run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
if (!smsc) {
  process.exitCode = code;
} else {
  const stop = async () => {
    await smsc.close();
    process.stdout.write("lisoloo-smsc stopped\n");
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
