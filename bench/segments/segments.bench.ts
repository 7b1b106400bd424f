// Ops/s of countSegments against split-sms and sms-segments-calculator on three typical messages.
// Run with `pnpm bench` (it builds @lisoloo/protocol first); writes the table to RESULTS.md.
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { countSegments } from "@lisoloo/protocol";
import calculator from "sms-segments-calculator";
import splitSms from "split-sms";
import { Bench } from "tinybench";

const otp = "Your Lisoloo code is 482913. Valid 5 min";
const campaign = [
  "Bonjour! Votre commande [CMD-20931] est validée. Total: 25€ {TVA incluse}. ",
  "Retrait au magasin de Gombe ~ 8h-18h | lundi-samedi. Code promo: ^SOLDES^ (valable 48h). ",
  "Pour toute question, écrivez à support@lisoloo.example ou répondez STOP pour ne plus recevoir ",
  "nos messages. Suivez votre colis sur https://lisoloo.example/t/20931 \\ Merci de votre confiance ",
  "et à plus! Horaires: [lun-ven] 8h-18h {sam} 9h-13h. Livraison offerte dès 50€, ",
  "sinon 3€. Ciao :) -Lisoloo",
].join("");
const unicode = [
  "Mbote! 🎉 Votre rendez-vous est confirmé pour demain à 10h — n’oubliez pas votre pièce d’identité. ",
  "Salutations de toute l’équipe 🙏 ✨ Merci de votre confiance! 😀👍🏽 À très bientôt, la boutique 中文 ☕ Mbote",
].join("");

const messages = [
  { name: "40-char GSM-7", text: otp },
  { name: "459-char GSM-7 with extension chars", text: campaign },
  { name: "200-char UCS-2 with emoji", text: unicode },
];

// One task iteration counts the message BATCH times, so the timer's own cost does not swamp
// sub-microsecond calls; ops/s below are per single count. Each peer gets its own loop so that no
// call site is shared (and made polymorphic) between them.
const BATCH = 100;
let sink = 0;

const peers: { name: string; count: (text: string) => number; batch: (text: string) => number }[] = [
  {
    name: "@lisoloo/protocol",
    count: (text) => countSegments(text).segments,
    batch: (text) => {
      let n = 0;
      for (let k = 0; k < BATCH; k++) n += countSegments(text).segments;
      return n;
    },
  },
  {
    name: "split-sms",
    count: (text) => splitSms.split(text).parts.length,
    batch: (text) => {
      let n = 0;
      for (let k = 0; k < BATCH; k++) n += splitSms.split(text).parts.length;
      return n;
    },
  },
  {
    name: "sms-segments-calculator",
    count: (text) => new calculator.SegmentedMessage(text).segmentsCount,
    batch: (text) => {
      let n = 0;
      for (let k = 0; k < BATCH; k++) n += new calculator.SegmentedMessage(text).segmentsCount;
      return n;
    },
  },
];

const rows: string[] = [];
for (const { name, text } of messages) {
  const counts = peers.map((peer) => peer.count(text));
  const facts = countSegments(text);
  const bench = new Bench({ time: 1500, warmupTime: 300, iterations: 8, warmupIterations: 4 });
  for (const peer of peers) {
    bench.add(peer.name, () => {
      sink += peer.batch(text);
    });
  }
  await bench.run();
  const opsPerSecond = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`${task.name} on ${name}: ${result.state}`);
    return (1000 / result.period) * BATCH;
  });
  const [ours = 0, split = 0, calc = 0] = opsPerSecond;
  const label = `${name} (${[...text].length} chars, ${facts.units} ${facts.encoding === "GSM-7" ? "septets" : "units"}, ${facts.segments} seg; peers say ${counts.slice(1).join("/")})`;
  rows.push(
    `| ${label} | ${fmt(ours)} | ${fmt(split)} | ${fmt(calc)} | ${ratio(ours, split)} | ${ratio(ours, calc)} |`,
  );
}

const table = [
  "| Message | @lisoloo/protocol ops/s | split-sms ops/s | sms-segments-calculator ops/s | × split-sms | × sms-segments-calculator |",
  "|---|---:|---:|---:|---:|---:|",
  ...rows,
].join("\n");
const machine = `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${availableParallelism()}, load average ${loadavg()[0]?.toFixed(1)} at the end`;
console.log(`${table}\n\n${machine}`);
if (sink === 0) console.log("(no segments counted)");

writeFileSync(
  new URL("./RESULTS.md", import.meta.url),
  `# Segment counting: ops/s\n\n\`countSegments\` of \`@lisoloo/protocol\` against [split-sms](https://www.npmjs.com/package/split-sms) 0.1.7 and [sms-segments-calculator](https://www.npmjs.com/package/sms-segments-calculator) 1.3.0 (tinybench, ${BATCH} counts per sample, 1.5 s per task). Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. Regenerate with \`pnpm bench\`.\n\n${table}\n`,
);

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function ratio(a: number, b: number): string {
  return b === 0 ? "–" : `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`;
}
