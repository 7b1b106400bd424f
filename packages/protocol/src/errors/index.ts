export {
  type ErrorCode,
  type ErrorEntry,
  type ErrorName,
  errorByCode,
  errorCatalogue,
  type HttpErrorCode,
  httpStatusOf,
} from "./catalogue.js";
export { type Language, localizedErrorMessage } from "./localize.js";
export { frenchErrorMessages } from "./messages-fr.js";
