export {
  type ErrorCode,
  type ErrorEntry,
  type ErrorName,
  errorByCode,
  errorCatalogue,
  frenchErrorMessages,
  type HttpErrorCode,
  httpStatusOf,
  type Language,
  localizedErrorMessage,
} from "./errors/index.js";
