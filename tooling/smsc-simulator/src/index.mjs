// @lisoloo/smsc-simulator: a scriptable SMPP 3.4 SMSC for tests, local runs and benchmarks.
export { FIRST_ID } from "./simulator.mjs";
export { startSmsc } from "./smsc.mjs";
export { decodeGsm7, decodeUcs2, encodeGsm7 } from "./text.mjs";
