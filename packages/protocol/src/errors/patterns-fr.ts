/**
 * French wording of the error texts that carry a value (a field name, a zone, an amount, a host):
 * one pattern over the English text per kind, the value carried across unchanged.
 */
type Rule = readonly [pattern: RegExp, french: (...values: string[]) => string];

/** Why a callback URL's host is refused (the gateway's SSRF guard), by the English label. */
const hostLabels = new Map<string, string>(
  Object.entries({
    "a 'this network' address": "une adresse « ce réseau »",
    "a private network address": "une adresse de réseau privé",
    "a carrier-grade NAT address": "une adresse de NAT d'opérateur",
    "a loopback address": "une adresse de bouclage",
    "a link-local address": "une adresse lien-local",
    "an IETF protocol assignment address": "une adresse réservée aux protocoles de l'IETF",
    "a documentation address": "une adresse de documentation",
    "a deprecated 6to4 relay address": "une adresse de relais 6to4 obsolète",
    "a benchmarking address": "une adresse de banc d'essai",
    "a multicast address": "une adresse de multidiffusion",
    "a reserved or broadcast address": "une adresse réservée ou de diffusion",
    "the unspecified address": "l'adresse non spécifiée",
    "an IPv4-mapped IPv6 address": "une adresse IPv6 mappée sur IPv4",
    "an IPv4-compatible IPv6 address": "une adresse IPv6 compatible IPv4",
    "a local-use NAT64 address": "une adresse NAT64 à usage local",
    "a discard-only address": "une adresse de rejet",
    "a Teredo tunnelling address": "une adresse de tunnel Teredo",
    "a segment-routing address": "une adresse de routage par segments",
    "a unique local (private) address": "une adresse locale unique (privée)",
    "a deprecated site-local address": "une adresse site-local obsolète",
    "not a global unicast address": "pas une adresse unicast globale",
    "not a fully qualified domain name": "pas un nom de domaine pleinement qualifié",
  }),
);

function hostReason(reason: string): string | undefined {
  const embedded = /^a (\S+) \((\S+)\) address embedding (\S+), (.+)$/.exec(reason);
  if (embedded) {
    const [, scheme, range, ip, inner = ""] = embedded;
    const french = hostReason(inner);
    return french && `une adresse ${scheme} (${range}) contenant ${ip}, ${french}`;
  }
  const local = /^a local or internal name \((\S+)\)$/.exec(reason);
  if (local) return `un nom local ou interne (${local[1]})`;
  const ranged = /^(.+?) \((outside )?(\S+)\)$/.exec(reason);
  if (ranged) {
    const [, label = "", outside, range] = ranged;
    const french = hostLabels.get(label);
    return french && `${french} (${outside ? "hors de " : ""}${range})`;
  }
  return hostLabels.get(reason);
}

const rules: readonly Rule[] = [
  [/^Unknown field "(.*)"$/s, (key) => `Champ inconnu "${key}"`],
  [/^Required when sending_type is (\w+)$/, (type) => `Obligatoire quand sending_type vaut ${type}`],
  [
    /^Only allowed when sending_type is (\w+)$/,
    (type) => `Autorisé seulement quand sending_type vaut ${type}`,
  ],
  [/^Not allowed when sending_type is (\w+)$/, (type) => `Interdit quand sending_type vaut ${type}`],
  [
    /^Must be later than now in (\S+)$/,
    (zone) => `Doit être postérieur à maintenant, dans le fuseau ${zone}`,
  ],
  [/^Destination (\S+) is not allowed$/, (phone) => `Destination ${phone} non autorisée`],
  [
    /^Needed (\S+) (\S+), available (\S+) (\S+)$/,
    (needed, currency, available, currency2) =>
      `Il faut ${needed} ${currency}, solde disponible ${available} ${currency2}`,
  ],
  [/^Must be application\/json, got "(.*)"$/s, (type) => `Doit être application/json, reçu "${type}"`],
  [
    /^Body is not valid JSON \(line (\d+), column (\d+)\)$/,
    (line, column) => `Le corps n'est pas du JSON valide (ligne ${line}, colonne ${column})`,
  ],
  [
    /^Body is not valid UTF-8 \(first bad byte at offset (\d+)\)$/,
    (offset) => `Le corps n'est pas de l'UTF-8 valide (premier octet invalide à la position ${offset})`,
  ],
  [
    /^Malformed key: expected 32 letters and digits after (sk_\w+_), got (\d+)$/,
    (prefix, count) => `Clé mal formée : 32 lettres et chiffres attendus après ${prefix}, ${count} reçus`,
  ],
  // zod's own wording, for a schema that has no message of its own
  [
    /^Invalid input: expected (\w+), received (\w+)$/,
    (expected, received) => `Entrée invalide : ${expected} attendu, ${received} reçu`,
  ],
];

/** The French of an English error text that carries a value, or undefined when no rule knows it. */
export function frenchPatternText(text: string): string | undefined {
  const host = /^URL host (\S+) is (.+)$/s.exec(text);
  if (host) {
    const reason = hostReason(host[2] ?? "");
    // "is not a …" reads "n'est pas …" in French.
    const verb = reason?.startsWith("pas ") ? "n'est" : "est";
    return reason && `L'hôte ${host[1]} de l'URL ${verb} ${reason}`;
  }
  for (const [pattern, french] of rules) {
    const match = pattern.exec(text);
    if (match) return french(...match.slice(1).map((value) => value ?? ""));
  }
  return undefined;
}
