"""The HTTP layer: middleware, security, responses, OpenAPI, and the thin views."""
