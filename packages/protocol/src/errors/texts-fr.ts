/**
 * French wording of what the gateway says about a request's headers, body, key, wallet and state,
 * beyond the catalogue: the specific top-level messages (1106, 1204) and their `details`. Keyed by
 * the English text the gateway writes.
 */
export const frenchRequestTexts: Readonly<Record<string, string>> = {
  // 1106: Content-Type and body
  "Content-Type must be application/json": "Le Content-Type doit être application/json",
  "Request body is not valid JSON": "Le corps de la requête n'est pas du JSON valide",
  "Request body is not valid UTF-8": "Le corps de la requête n'est pas de l'UTF-8 valide",
  "The header is missing; send Content-Type: application/json":
    "L'en-tête est absent : envoyez Content-Type: application/json",
  "The body is empty": "Le corps est vide",
  "Body is not valid JSON": "Le corps n'est pas du JSON valide",
  "Body is not valid JSON: it ends before the value is complete":
    "Le corps n'est pas du JSON valide : il s'arrête avant la fin de la valeur",
  "Must be a JSON object, got an array": "Doit être un objet JSON, reçu un tableau",
  "Must be a JSON object, got a string": "Doit être un objet JSON, reçu une chaîne",
  "Must be a JSON object, got a number": "Doit être un objet JSON, reçu un nombre",
  "Must be a JSON object, got a boolean": "Doit être un objet JSON, reçu un booléen",
  "Must be a JSON object, got null": "Doit être un objet JSON, reçu null",

  // 1001: which part of the app-key is wrong (an unknown key and a revoked one read the same)
  "The app-key header is missing": "L'en-tête app-key est absent",
  "The app-key header is missing; the key goes in app-key, not in Authorization":
    "L'en-tête app-key est absent : la clé se met dans app-key, pas dans Authorization",
  "Malformed key: must start with sk_test_ or sk_live_":
    "Clé mal formée : elle doit commencer par sk_test_ ou sk_live_",
  "Malformed key: only letters and digits may follow the prefix":
    "Clé mal formée : seuls des lettres et des chiffres peuvent suivre le préfixe",
  "Malformed key: its checksum does not match, so a character was mistyped or changed":
    "Clé mal formée : sa somme de contrôle ne correspond pas, un caractère a donc été mal saisi ou modifié",
  "A production key (sk_live_): this deployment serves the sandbox and accepts only sk_test_ keys":
    "Clé de production (sk_live_) : ce déploiement sert le sandbox et n'accepte que les clés sk_test_",
  "A sandbox key (sk_test_): this deployment serves production and accepts only sk_live_ keys":
    "Clé de sandbox (sk_test_) : ce déploiement sert la production et n'accepte que les clés sk_live_",
  "Key not accepted: it is unknown here, or it was revoked or regenerated":
    "Clé refusée : elle est inconnue ici, ou elle a été révoquée ou régénérée",

  // 1110 outside the body
  "Must be 1 to 255 printable ASCII characters": "Doit compter de 1 à 255 caractères ASCII imprimables",
  "Must be the next_cursor of an earlier page of this message":
    "Doit être le next_cursor d'une page précédente de ce message",
  "Must be an integer from 1 to 1000": "Doit être un entier de 1 à 1000",

  // 1105: the callback URL rules that are not about a host
  "URL is not a valid absolute URL": "L'URL n'est pas une URL absolue valide",
  "URL must not contain a user name or password":
    "L'URL ne doit contenir ni nom d'utilisateur ni mot de passe",
  "URL must use https://": "L'URL doit utiliser https://",
  "URL host is not a valid IPv6 address": "L'hôte de l'URL n'est pas une adresse IPv6 valide",

  // 1204: cancel, pause, resume
  "The message is already cancelled": "Le message est déjà annulé",
  "Everything was already handed to a carrier": "Tout a déjà été remis à un opérateur",
  "Only scheduled and recurring messages can be paused":
    "Seuls les messages planifiés et récurrents peuvent être mis en pause",
  "The message is already paused": "Le message est déjà en pause",
  "Nothing left to pause": "Plus rien à mettre en pause",
  "The message is not paused": "Le message n'est pas en pause",
};
