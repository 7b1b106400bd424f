/**
 * French wording of the findings a request body can get in `details[].message`: the send body's
 * schema and the schedule expansion. Keyed by the English text, which stays the source of truth; a
 * test parses bad bodies field by field and checks that every finding has its French here.
 */
export const frenchFindingTexts: Readonly<Record<string, string>> = {
  Required: "Obligatoire",
  "Must be a string": "Doit être une chaîne de caractères",
  "Must match ^\\+?\\d{1,15}$": "Doit respecter ^\\+?\\d{1,15}$",
  "Must be an array of phone numbers": "Doit être un tableau de numéros de téléphone",
  "Must list at least one recipient": "Doit contenir au moins un destinataire",
  "Must list at most 1000 recipients": "Doit contenir au plus 1000 destinataires",
  "Must not be empty": "Ne doit pas être vide",
  "Must be at most 1600 characters (Unicode code points)":
    "Doit compter au plus 1600 caractères (points de code Unicode)",
  "Must be 1 to 11 letters, digits or spaces with at least one letter, or +? and 1 to 15 digits":
    "Doit compter de 1 à 11 lettres, chiffres ou espaces dont au moins une lettre, ou +? et 1 à 15 chiffres",
  "Must be an absolute http(s) URL": "Doit être une URL http(s) absolue",
  "Must be at most 2048 characters": "Doit compter au plus 2048 caractères",
  "Must be well-formed Unicode: it contains a lone surrogate (\\uD800 to \\uDFFF)":
    "Doit être de l'Unicode bien formé : contient un seizet d'indirection (surrogate) isolé (\\uD800 à \\uDFFF)",
  "Must be immediate, scheduled or recurring": "Doit valoir immediate, scheduled ou recurring",
  "Must be an integer number of seconds": "Doit être un nombre entier de secondes",
  "Must be at least 60 seconds": "Doit valoir au moins 60 secondes",
  "Must be at most 259200 seconds (72 hours)": "Doit valoir au plus 259200 secondes (72 heures)",
  "Must be true or false": "Doit valoir true ou false",

  // scheduled_dates and recurring_schedule, as the schema checks them
  "Must be an array of { date, time }": "Doit être un tableau de { date, time }",
  "Must be an object { date, time }": "Doit être un objet { date, time }",
  "Must list at least one date": "Doit contenir au moins une date",
  "Must list at most 20 dates": "Doit contenir au plus 20 dates",
  "Must be a real calendar date, YYYY-MM-DD": "Doit être une date qui existe, au format YYYY-MM-DD",
  "Must be a string HH:mm": "Doit être une chaîne HH:mm",
  "Must be a time HH:mm between 00:00 and 23:59": "Doit être une heure HH:mm entre 00:00 et 23:59",
  "Must be an object with end_date, frequency and times":
    "Doit être un objet avec end_date, frequency et times",
  "Must be daily, weekly, monthly or yearly": "Doit valoir daily, weekly, monthly ou yearly",
  "Must be an integer": "Doit être un nombre entier",
  "Must be at least 1": "Doit valoir au moins 1",
  "Must be an array of HH:mm": "Doit être un tableau d'heures HH:mm",
  "Must list at least one time": "Doit contenir au moins une heure",
  "Must list at most 24 times": "Doit contenir au plus 24 heures",
  "Times must be distinct": "Les heures doivent être distinctes",
  "Must be an array of days (mon to sun)": "Doit être un tableau de jours (mon à sun)",
  "Must be one of mon, tue, wed, thu, fri, sat, sun": "Doit valoir mon, tue, wed, thu, fri, sat ou sun",
  "Must list at least one day": "Doit contenir au moins un jour",
  "Must list at most 7 days": "Doit contenir au plus 7 jours",
  "Days must be distinct": "Les jours doivent être distincts",
  "Must not be before start_date": "Ne doit pas précéder start_date",
  "Only allowed when frequency is weekly": "Autorisé seulement quand frequency vaut weekly",

  // the schedule expansion (it needs the clock and the merchant's zone)
  "At least 1 date is required": "Au moins 1 date est requise",
  "At most 20 dates are allowed": "20 dates au plus sont autorisées",
  "Must be a real date YYYY-MM-DD": "Doit être une date qui existe, au format YYYY-MM-DD",
  "Must be a time HH:mm": "Doit être une heure HH:mm",
  "Must be an integer of at least 1": "Doit être un entier d'au moins 1",
  "At least 1 day is required": "Au moins 1 jour est requis",
  "Must list 1 to 24 times": "Doit contenir de 1 à 24 heures",
  "More than 1000 dispatches; shorten the period or raise the interval":
    "Plus de 1000 envois : raccourcissez la période ou augmentez l'intervalle",
  "No occurrence is left after now": "Aucune occurrence ne reste après l'instant présent",
};
