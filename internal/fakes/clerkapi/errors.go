package clerkapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
)

// APIError is one entry of the Clerk error envelope
// {"errors":[APIError...],"clerk_trace_id":"..."}.
type APIError struct {
	Message     string         `json:"message"`
	LongMessage string         `json:"long_message"`
	Code        string         `json:"code"`
	Meta        map[string]any `json:"meta,omitempty"`
}

// ErrorResponse is the body of every error response the fake sends (unless a
// Fault supplies its own body).
type ErrorResponse struct {
	Errors       []APIError `json:"errors"`
	ClerkTraceID string     `json:"clerk_trace_id"`
}

// apiErr is an error response to send: status plus one APIError.
type apiErr struct {
	status int
	err    APIError
}

func paramMeta(name string) map[string]any { return map[string]any{"param_name": name} }

// Messages below follow /work/shared/reference/clerk-api-errors.json.
func errAuthenticationInvalid() *apiErr {
	return &apiErr{http.StatusUnauthorized, APIError{
		Message:     "Invalid authentication",
		LongMessage: "Unable to authenticate the request, you need to supply an active session",
		Code:        "authentication_invalid",
	}}
}

func errAuthorizationHeaderFormat() *apiErr {
	return &apiErr{http.StatusUnauthorized, APIError{
		Message:     "Invalid Authorization header format",
		LongMessage: "Invalid Authorization header format. Must be 'Bearer <YOUR_API_KEY>'",
		Code:        "authorization_header_format_invalid",
	}}
}

func errClerkKeyInvalid() *apiErr {
	const msg = "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key is correct."
	return &apiErr{http.StatusUnauthorized, APIError{Message: msg, LongMessage: msg, Code: "clerk_key_invalid"}}
}

func errAuthorizationInvalid() *apiErr {
	return &apiErr{http.StatusForbidden, APIError{
		Message:     "Unauthorized request",
		LongMessage: "You are not authorized to perform this request",
		Code:        "authorization_invalid",
	}}
}

func errURLNotFound() *apiErr {
	return &apiErr{http.StatusNotFound, APIError{
		Message: "URL not found", LongMessage: "The URL was not found", Code: "resource_not_found",
	}}
}

func errResourceNotFound() *apiErr {
	return &apiErr{http.StatusNotFound, APIError{
		Message: "not found", LongMessage: "Resource not found", Code: "resource_not_found",
	}}
}

func errTemplateNotFound(id string) *apiErr {
	return &apiErr{http.StatusNotFound, APIError{
		Message:     "JWT template not found",
		LongMessage: "No JWT template exists with id: " + id,
		Code:        "resource_not_found",
	}}
}

func errParamMissing(param string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message: "is missing", LongMessage: param + " must be included.",
		Code: "form_param_missing", Meta: paramMeta(param),
	}}
}

func errParamFormat(param, long string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message: "is invalid", LongMessage: long,
		Code: "form_param_format_invalid", Meta: paramMeta(param),
	}}
}

func errParamType(param, typ string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message: "is invalid", LongMessage: "`" + param + "` must be a `" + typ + "`.",
		Code: "form_param_type_invalid", Meta: paramMeta(param),
	}}
}

func errParamValue(param, long string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message: "is invalid", LongMessage: long,
		Code: "form_param_value_invalid", Meta: paramMeta(param),
	}}
}

func errParamTooLarge(param string, max int64) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message:     "Value too large",
		LongMessage: "The value of " + param + " can't be greater than " + strconv.FormatInt(max, 10),
		Code:        "form_param_value_too_large", Meta: paramMeta(param),
	}}
}

func errParamUnknown(param string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message: "is unknown", LongMessage: param + " is not a valid parameter for this request.",
		Code: "form_param_unknown", Meta: paramMeta(param),
	}}
}

func errConditionalMissing(missing, cond string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message:     "is missing",
		LongMessage: "`" + missing + "` is required when `" + cond + "` is `true`.",
		Code:        "form_conditional_param_missing", Meta: paramMeta(missing),
	}}
}

func errNameTaken(name string) *apiErr {
	return &apiErr{http.StatusUnprocessableEntity, APIError{
		Message:     "is taken",
		LongMessage: "A JWT template named '" + name + "' already exists. Please choose another name.",
		Code:        "form_identifier_exists", Meta: paramMeta("name"),
	}}
}

func errReservedClaim(claim string) *apiErr {
	return &apiErr{http.StatusBadRequest, APIError{
		Message:     "reserved claim used",
		LongMessage: "You can't use the reserved claim: '" + claim + "'",
		Code:        "jwt_template_reserved_claim", Meta: paramMeta("claims"),
	}}
}

func errRequestBodyInvalid() *apiErr {
	return &apiErr{http.StatusBadRequest, APIError{
		Message:     "Request body invalid",
		LongMessage: "The request body is invalid. Please consult the API documentation for more information.",
		Code:        "request_body_invalid",
	}}
}

func errUnsupportedContentType(actual string) *apiErr {
	return &apiErr{http.StatusUnsupportedMediaType, APIError{
		Message:     "Content-Type is unsupported",
		LongMessage: "Content-Type " + actual + " is unsupported. You should use application/json instead.",
		Code:        "unsupported_content_type",
	}}
}

// defaultFaultError is the Clerk error sent for a Fault that has a status but no body.
func defaultFaultError(status int) APIError {
	switch status {
	case http.StatusBadRequest:
		return APIError{Message: "Bad request", LongMessage: "Bad request", Code: "bad_request"}
	case http.StatusUnauthorized:
		return errClerkKeyInvalid().err
	case http.StatusForbidden:
		return errAuthorizationInvalid().err
	case http.StatusNotFound:
		return errResourceNotFound().err
	case http.StatusConflict:
		return APIError{Message: "Conflict", LongMessage: "Conflict", Code: "conflict"}
	case http.StatusUnprocessableEntity:
		return APIError{Message: "is invalid", LongMessage: "The request parameters are invalid.", Code: "form_param_value_invalid"}
	case http.StatusTooManyRequests:
		return APIError{Message: "Too many requests", LongMessage: "Too many requests, retry later", Code: "too_many_requests"}
	case http.StatusServiceUnavailable:
		return APIError{Message: "Service unavailable", LongMessage: "Service unavailable", Code: "service_unavailable"}
	default:
		return APIError{
			Message:     "Oops, an unexpected error occurred",
			LongMessage: "There was an internal error on our servers. We've been notified and are working on fixing it.",
			Code:        "internal_clerk_error",
		}
	}
}

// newTraceID returns a random 32-hex-digit trace id, like Clerk's.
func newTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "clerkapi fake: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiErr) {
	writeJSON(w, e.status, ErrorResponse{Errors: []APIError{e.err}, ClerkTraceID: newTraceID()})
}
