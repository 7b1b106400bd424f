import type { ErrorCode } from "./catalogue.js";

/**
 * French wording of each catalogue message (French is the DRC's working language). Codes never change.
 *
 * @example
 * import assert from "node:assert/strict";
 * import { frenchErrorMessages, localizedErrorMessage } from "@lisoloo/protocol/errors";
 *
 * assert.equal(localizedErrorMessage("1201"), "Message not found");
 * assert.equal(localizedErrorMessage("1201", "fr"), "Message introuvable");
 * assert.equal(frenchErrorMessages["1202"], "Solde insuffisant"); // every catalogue code has one
 */
export const frenchErrorMessages: Record<ErrorCode, string> = {
  "1001": "app-key manquante ou invalide",
  "1002": "L'app-key a expiré",
  "1004": "L'application est suspendue",
  "1101": "Destinataires invalides",
  "1102": "Identifiant d'expéditeur invalide",
  "1103": "Planification invalide",
  "1104": "Numéro de téléphone invalide",
  "1105": "URL de rappel invalide",
  "1106": "Le corps de la requête doit être un objet JSON",
  "1108": "Cette Idempotency-Key a déjà servi pour un autre corps de requête",
  "1109": "Champ obligatoire manquant",
  "1110": "Format de champ invalide",
  "1201": "Message introuvable",
  "1202": "Solde insuffisant",
  "1203": "Trop de destinataires (1000 au maximum)",
  "1204": "Opération impossible dans l'état actuel",
  "1205": "Aucun portefeuille pour ce marchand",
  "1301": "Limite de requêtes dépassée",
  "1302": "Activité suspecte : app-key suspendue pendant 15 minutes",
  "1303": "Une requête avec cette Idempotency-Key est encore en cours",
  "1304": "Corps de requête trop volumineux (256 Kio au maximum)",
  "1305": "Pays de destination non autorisé",
  "1401": "Erreur interne du serveur",
  "1402": "Service temporairement indisponible",
  "1403": "Route introuvable",
  "1404": "Méthode non autorisée",
  "1501": "Aucun opérateur n'a pu prendre le message",
  "1502": "Rejeté par l'opérateur",
  "1503": "Aucun accusé final dans la période de validité",
  "1504": "Non distribuable",
  "1505": "Expiré chez l'opérateur",
};
