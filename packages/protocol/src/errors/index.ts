export {
  type ErrorCode,
  type ErrorEntry,
  type ErrorName,
  errorByCode,
  errorCatalogue,
  type HttpErrorCode,
  httpStatusOf,
} from "./catalogue.js";
export {
  type ErrorDetail,
  type ErrorFromIssuesOptions,
  errorFromIssues,
  formatIssuePath,
  type IssueCodeResolver,
  type ValidationError,
  type ValidationErrorCode,
  validationErrorCodes,
} from "./from-issues.js";
export { type Language, localizedErrorMessage, localizedErrorText } from "./localize.js";
export { frenchErrorMessages } from "./messages-fr.js";
